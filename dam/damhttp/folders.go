package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
)

type folderBody struct {
	Name     string  `json:"name"`
	ParentID *string `json:"parent_id"`
	Domain   string  `json:"domain"`
}

func (s *Server) createFolder(w http.ResponseWriter, r *http.Request) error {
	var b folderBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	parent := ""
	if b.ParentID != nil {
		parent = *b.ParentID
	}
	f, err := s.lib.CreateFolder(r.Context(), b.Name, parent, b.Domain)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) listFolders(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.lib.Folders(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(fs, ""))
	return nil
}

func (s *Server) getFolder(w http.ResponseWriter, r *http.Request) error {
	f, err := s.lib.Folder(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// editFolder renames and/or moves a folder.
func (s *Server) editFolder(w http.ResponseWriter, r *http.Request) error {
	var b folderBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	if b.Domain != "" {
		return dam.E("damhttp.editFolder", dam.Invalid, "a folder's domain cannot change")
	}
	id := r.PathValue("id")
	f, err := s.lib.Folder(r.Context(), id)
	if err != nil {
		return err
	}
	if b.Name != "" && b.Name != f.Name {
		if f, err = s.lib.RenameFolder(r.Context(), id, b.Name); err != nil {
			return err
		}
	}
	if b.ParentID != nil && *b.ParentID != f.ParentID {
		if f, err = s.lib.MoveFolder(r.Context(), id, *b.ParentID); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) deleteFolder(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteFolder(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
