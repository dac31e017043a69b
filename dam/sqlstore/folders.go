package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

const folderCols = "id, name, parent_id, domain, protection, licence, created_by, created_at, updated_at"

// folderTreeLock serialises the transactions that change the shape of the
// folder tree on PostgreSQL, so two crossing moves cannot build a cycle.
const folderTreeLock = "damkit.folder_tree"

// CreateFolder inserts a folder under its parent ("" = root), which must
// exist in the same domain. Sibling names are unique (AlreadyExists).
func (s *Store) CreateFolder(ctx context.Context, f dam.Folder) error {
	const op = "sqlstore.CreateFolder"
	if f.ID == "" || f.Name == "" {
		return dam.E(op, dam.Invalid, "a folder needs an id and a name")
	}
	if !f.Protection.Valid() {
		return dam.E(op, dam.Invalid, "unknown protection %q", f.Protection)
	}
	return s.writeCached(ctx, op, func(q querier) error {
		if err := s.checkParent(ctx, q, f.ParentID, f.Domain); err != nil {
			return err
		}
		if taken, err := q.exists(ctx, "SELECT 1 FROM folders WHERE id = ?", f.ID); err != nil || taken {
			if err != nil {
				return err
			}
			return dam.E("", dam.AlreadyExists, "folder %s already exists", f.ID)
		}
		_, err := q.exec(ctx, "INSERT INTO folders ("+folderCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			f.ID, f.Name, f.ParentID, f.Domain, string(f.Protection), f.Licence, f.CreatedBy,
			encodeTime(f.CreatedAt), encodeTime(f.UpdatedAt))
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "a folder named %q already exists here", f.Name)
		}
		return err
	})
}

// checkParent makes sure a parent folder exists in domain and stays until
// commit. The root always exists.
func (s *Store) checkParent(ctx context.Context, q querier, parentID, domain string) error {
	if parentID == "" {
		return nil
	}
	var d string
	err := q.queryRow(ctx, "SELECT domain FROM folders WHERE id = ?"+s.d.forShare(), parentID).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("parent folder", parentID)
	}
	if err != nil {
		return err
	}
	if d != domain {
		return dam.E("", dam.FailedPrecondition, "parent folder %s is in domain %q, not %q", parentID, d, domain)
	}
	return nil
}

// Folder returns the folder with the given id.
func (s *Store) Folder(ctx context.Context, id string) (dam.Folder, error) {
	const op = "sqlstore.Folder"
	f, err := scanFolder(s.read().queryRow(ctx, "SELECT "+folderCols+" FROM folders WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Folder{}, s.fail(ctx, op, notFound("folder", id))
	}
	return f, s.fail(ctx, op, err)
}

// Folders lists the folders of the given domains (all when nil) in ID order.
func (s *Store) Folders(ctx context.Context, domains []string) ([]dam.Folder, error) {
	const op = "sqlstore.Folders"
	query := "SELECT " + folderCols + " FROM folders"
	if domains != nil {
		if len(domains) == 0 {
			return nil, nil
		}
		query += " WHERE domain IN (" + placeholders(len(domains)) + ")"
	}
	rows, err := s.read().query(ctx, query+" ORDER BY id", anys(domains)...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var fs []dam.Folder
	for rows.Next() {
		f, err := scanFolder(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		fs = append(fs, f)
	}
	return fs, s.fail(ctx, op, rows.Err())
}

// RenameFolder renames a folder (AlreadyExists when a sibling has the name).
func (s *Store) RenameFolder(ctx context.Context, id, name string, at time.Time) error {
	const op = "sqlstore.RenameFolder"
	if name == "" {
		return dam.E(op, dam.Invalid, "a folder needs a name")
	}
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE folders SET name = ?, updated_at = ? WHERE id = ?", name, encodeTime(at), id)
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "a folder named %q already exists here", name)
		}
		if err := affected(res, err, notFound("folder", id)); err != nil {
			return err
		}
		return s.reindexFolder(ctx, q, id)
	})
}

// MoveFolder moves a folder under parentID ("" = root) of the same domain.
// A move into its own subtree is FailedPrecondition; the check runs in the
// same transaction as the write, under the folder tree lock.
func (s *Store) MoveFolder(ctx context.Context, id, parentID string, at time.Time) error {
	const op = "sqlstore.MoveFolder"
	return s.writeCached(ctx, op, func(q querier) error {
		if err := q.lock(ctx, folderTreeLock); err != nil {
			return err
		}
		var domain, name string
		err := q.queryRow(ctx, "SELECT domain, name FROM folders WHERE id = ?"+s.d.forUpdate(), id).Scan(&domain, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("folder", id)
		}
		if err != nil {
			return err
		}
		if err := s.checkParent(ctx, q, parentID, domain); err != nil {
			return err
		}
		if parentID != "" {
			// Walk up from the new parent: meeting the folder itself means
			// the move would make it its own ancestor. UNION (not ALL)
			// ends the walk even on a tree that already has a cycle.
			cycle, err := q.exists(ctx, `WITH RECURSIVE up(id, parent_id) AS (
					SELECT id, parent_id FROM folders WHERE id = ?
					UNION
					SELECT f.id, f.parent_id FROM folders f JOIN up ON f.id = up.parent_id)
				SELECT 1 FROM up WHERE id = ?`, parentID, id)
			if err != nil {
				return err
			}
			if cycle {
				return dam.E("", dam.FailedPrecondition, "cannot move folder %s into its own subtree", id)
			}
		}
		res, err := q.exec(ctx, "UPDATE folders SET parent_id = ?, updated_at = ? WHERE id = ?", parentID, encodeTime(at), id)
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "a folder named %q already exists there", name)
		}
		if err := affected(res, err, notFound("folder", id)); err != nil {
			return err
		}
		return s.reindexFolder(ctx, q, id)
	})
}

// SetFolderProtection changes a folder's protection setting.
func (s *Store) SetFolderProtection(ctx context.Context, id string, p dam.Protection, at time.Time) error {
	const op = "sqlstore.SetFolderProtection"
	if !p.Valid() {
		return dam.E(op, dam.Invalid, "unknown protection %q", p)
	}
	return s.writeCached(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE folders SET protection = ?, updated_at = ? WHERE id = ?", string(p), encodeTime(at), id)
		return affected(res, err, notFound("folder", id))
	})
}

// DeleteFolder removes a folder that has no subfolders and no assets, not
// even trashed ones (they could not be restored into it).
func (s *Store) DeleteFolder(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteFolder"
	return s.writeCached(ctx, op, func(q querier) error {
		found, err := q.exists(ctx, "SELECT 1 FROM folders WHERE id = ?"+s.d.forUpdate(), id)
		if err != nil {
			return err
		}
		if !found {
			return notFound("folder", id)
		}
		if sub, err := q.exists(ctx, "SELECT 1 FROM folders WHERE parent_id = ? LIMIT 1", id); err != nil || sub {
			if err != nil {
				return err
			}
			return dam.E("", dam.FailedPrecondition, "folder %s has subfolders", id)
		}
		if used, err := q.exists(ctx, "SELECT 1 FROM assets WHERE folder_id = ? LIMIT 1", id); err != nil || used {
			if err != nil {
				return err
			}
			return dam.E("", dam.FailedPrecondition, "folder %s holds assets (live or in the trash)", id)
		}
		_, err = q.exec(ctx, "DELETE FROM folders WHERE id = ?", id)
		return err
	})
}

// affected turns an UPDATE or DELETE that touched no row into missing.
func affected(res sql.Result, err error, missing error) error {
	n, err := count(res, err)
	if err == nil && n == 0 {
		return missing
	}
	return err
}

// count returns the rows a statement changed.
func count(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func scanFolder(r scanner) (dam.Folder, error) {
	var f dam.Folder
	var p string
	err := r.Scan(&f.ID, &f.Name, &f.ParentID, &f.Domain, &p, &f.Licence, &f.CreatedBy, dbTime{&f.CreatedAt}, dbTime{&f.UpdatedAt})
	f.Protection = dam.Protection(p)
	return f, err
}
