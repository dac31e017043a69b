package damhttp

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// Links is where the reference server's resources live, for the links in
// notifications; base is the server's public URL (e.g. https://dam.example.com).
func Links(base string) dam.Links { return links(strings.TrimSuffix(base, "/")) }

type links string

func (b links) AssetDownload(id string) string {
	return string(b) + "/api/v1/assets/" + url.PathEscape(id) + "/download"
}
func (b links) RequestsDashboard() string { return string(b) + "/api/v1/requests?status=pending" }
func (b links) Inbox() string             { return string(b) + "/api/v1/inbox" }

func init() { routeSets = append(routeSets, (*Server).requestRoutes) }

// requestRoutes are the download-protection workflow: settings,
// protection, requests, decisions, grants and the inbox.
func (s *Server) requestRoutes() []route {
	return []route{
		{"GET", "/api/v1/settings", true, s.getSettings},
		{"PUT", "/api/v1/settings", true, s.putSettings},
		{"PUT", "/api/v1/assets/{id}/protection", true, s.setAssetProtection},
		{"PUT", "/api/v1/folders/{id}/protection", true, s.setFolderProtection},
		{"GET", "/api/v1/assets/{id}/access", true, s.access},
		{"POST", "/api/v1/requests", true, s.createRequest},
		{"GET", "/api/v1/requests", true, s.listRequests},
		{"DELETE", "/api/v1/requests/{id}", true, s.deleteRequest},
		{"POST", "/api/v1/requests/decisions", true, s.decide},
		{"GET", "/api/v1/grants", true, s.listGrants},
		{"DELETE", "/api/v1/grants/{id}", true, s.revokeGrant},
		{"GET", "/api/v1/inbox", true, s.inbox},
		{"POST", "/api/v1/inbox/read", true, s.markRead},
	}
}

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.lib.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsJSON(st))
	return nil
}

func (s *Server) putSettings(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.lib.Settings(r.Context())
	if err != nil {
		return err
	}
	b := settingsJSON(cur)
	b.GrantValidityDays = nil
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	if b.GrantValidity != nil {
		return dam.E("damhttp.putSettings", dam.Invalid, "grant_validity (nanoseconds) is gone: send grant_validity_days, whole days")
	}
	if b.GrantValidityDays != nil {
		d := *b.GrantValidityDays
		if d < 0 || d > 3650 {
			return dam.E("damhttp.putSettings", dam.Invalid, "grant_validity_days must be between 0 (until revoked) and 3650")
		}
		b.Settings.GrantValidity = time.Duration(d) * day
	}
	st, err := s.lib.UpdateSettings(r.Context(), b.Settings)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsJSON(st))
	return nil
}

type protectionBody struct {
	Protection dam.Protection `json:"protection"`
}

func (s *Server) setAssetProtection(w http.ResponseWriter, r *http.Request) error {
	var b protectionBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	a, err := s.lib.SetAssetProtection(r.Context(), r.PathValue("id"), b.Protection)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) setFolderProtection(w http.ResponseWriter, r *http.Request) error {
	var b protectionBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	f, err := s.lib.SetFolderProtection(r.Context(), r.PathValue("id"), b.Protection)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) access(w http.ResponseWriter, r *http.Request) error {
	a, err := s.lib.Access(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request) error {
	var b dam.NewRequest
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	res, err := s.lib.RequestDownload(r.Context(), b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, requestResult(res))
	return nil
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	from, before, err := dam.RequestDays(q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	rs, next, err := s.lib.Requests(r.Context(), dam.RequestQuery{Status: dam.RequestStatus(q.Get("status")),
		RequesterID: q.Get("requester"), RequesterEmail: q.Get("requester_email"), AssetID: q.Get("asset"),
		FolderID: q.Get("folder"), PortalID: q.Get("portal"), From: from, Before: before, Sort: q.Get("sort"),
		Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(requestViewsJSON(rs), next))
	return nil
}

func (s *Server) deleteRequest(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteRequest(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type decisionsBody struct {
	Decisions []dam.Decision `json:"decisions"`
}

// decide applies decisions. When every one of them fails, the answer is
// the first failure's status (409 for a request another owner decided
// first); otherwise 200 with each decision's outcome.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) error {
	var b decisionsBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	res, err := s.lib.Decide(r.Context(), b.Decisions)
	if err != nil {
		return err
	}
	failed := 0
	for _, x := range res {
		if x.Error != nil {
			failed++
		}
	}
	if failed == len(res) {
		writeJSON(w, statusOf(kindByCode(res[0].Error.Code)), map[string]any{"error": res[0].Error, "results": res})
		return nil
	}
	writeJSON(w, http.StatusOK, newPage(res, ""))
	return nil
}

// kindByCode finds the Kind of a JSON error code.
func kindByCode(code string) dam.Kind {
	for k := dam.Other; k <= dam.Conflict; k++ {
		if k.String() == code {
			return k
		}
	}
	return dam.Internal
}

func (s *Server) listGrants(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	live, err := queryBool(q, "live")
	if err != nil {
		return err
	}
	gq := dam.GrantQuery{UserID: q.Get("user"), Email: q.Get("email"), Live: live}
	if a := q.Get("asset"); a != "" {
		gq.AssetIDs = []string{a}
	}
	gs, err := s.lib.Grants(r.Context(), gq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(gs, ""))
	return nil
}

func (s *Server) revokeGrant(w http.ResponseWriter, r *http.Request) error {
	g, err := s.lib.RevokeGrant(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	unread, err := queryBool(q, "unread")
	if err != nil {
		return err
	}
	ns, next, err := s.lib.Inbox(r.Context(), unread, q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(ns, next))
	return nil
}

type markReadBody struct {
	IDs []string `json:"ids"`
}

func (s *Server) markRead(w http.ResponseWriter, r *http.Request) error {
	var b markReadBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	n, err := s.lib.MarkRead(r.Context(), b.IDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"marked": n})
	return nil
}
