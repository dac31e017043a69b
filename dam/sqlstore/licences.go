package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

const licenceColumns = "id, title, body, version, created_by, created_at, updated_by, updated_at"

func scanLicence(sc rowScanner) (dam.Licence, error) {
	var l dam.Licence
	err := sc.Scan(&l.ID, &l.Title, &l.Text, &l.Version, &l.CreatedBy, dbTime{&l.CreatedAt}, &l.UpdatedBy, dbTime{&l.UpdatedAt})
	return l, err
}

// CreateLicence inserts a licence and its first version.
func (s *Store) CreateLicence(ctx context.Context, l dam.Licence) error {
	const op = "sqlstore.CreateLicence"
	return s.writeCached(ctx, op, func(q querier) error {
		taken, err := q.exists(ctx, "SELECT 1 FROM licences WHERE title = ? OR id = ?", l.Title, l.ID)
		if err != nil {
			return err
		}
		if taken {
			return dam.E("", dam.AlreadyExists, "a licence titled %q already exists", l.Title)
		}
		_, err = q.exec(ctx, "INSERT INTO licences ("+licenceColumns+") VALUES ("+placeholders(8)+")",
			l.ID, l.Title, l.Text, l.Version, l.CreatedBy, encodeTime(l.CreatedAt), l.UpdatedBy, encodeTime(l.UpdatedAt))
		if err != nil {
			return err
		}
		return insertLicenceVersion(ctx, q, l)
	})
}

func insertLicenceVersion(ctx context.Context, q querier, l dam.Licence) error {
	_, err := q.exec(ctx, `INSERT INTO licence_versions (licence_id, version, title, body, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, l.ID, l.Version, l.Title, l.Text, l.UpdatedBy, encodeTime(l.UpdatedAt))
	return err
}

// Licence returns the current version of a licence.
func (s *Store) Licence(ctx context.Context, id string) (dam.Licence, error) {
	const op = "sqlstore.Licence"
	l, err := scanLicence(s.read().queryRow(ctx, "SELECT "+licenceColumns+" FROM licences WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Licence{}, s.fail(ctx, op, notFound("licence", id))
	}
	return l, s.fail(ctx, op, err)
}

// LicenceVersion returns one published version of a licence.
func (s *Store) LicenceVersion(ctx context.Context, id string, version int) (dam.Licence, error) {
	const op = "sqlstore.LicenceVersion"
	l := dam.Licence{ID: id, Version: version}
	err := s.read().queryRow(ctx, `SELECT title, body, created_by, created_at FROM licence_versions
		WHERE licence_id = ? AND version = ?`, id, version).Scan(&l.Title, &l.Text, &l.UpdatedBy, dbTime{&l.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Licence{}, s.fail(ctx, op, notFound("licence version", id))
	}
	return l, s.fail(ctx, op, err)
}

// Licences lists the licences by title.
func (s *Store) Licences(ctx context.Context) ([]dam.Licence, error) {
	const op = "sqlstore.Licences"
	rows, err := s.read().query(ctx, "SELECT "+licenceColumns+" FROM licences ORDER BY title, id")
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	out := []dam.Licence{}
	for rows.Next() {
		l, err := scanLicence(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		out = append(out, l)
	}
	return out, s.fail(ctx, op, rows.Err())
}

// UpdateLicence writes l when the stored version is still prevVersion,
// keeping a copy of a new version.
func (s *Store) UpdateLicence(ctx context.Context, l dam.Licence, prevVersion int) error {
	const op = "sqlstore.UpdateLicence"
	return s.writeCached(ctx, op, func(q querier) error {
		taken, err := q.exists(ctx, "SELECT 1 FROM licences WHERE title = ? AND id <> ?", l.Title, l.ID)
		if err != nil {
			return err
		}
		if taken {
			return dam.E("", dam.AlreadyExists, "a licence titled %q already exists", l.Title)
		}
		res, err := q.exec(ctx, `UPDATE licences SET title = ?, body = ?, version = ?, updated_by = ?, updated_at = ?
			WHERE id = ? AND version = ?`, l.Title, l.Text, l.Version, l.UpdatedBy, encodeTime(l.UpdatedAt), l.ID, prevVersion)
		n, err := count(res, err)
		if err != nil {
			return err
		}
		if n == 0 {
			found, err := q.exists(ctx, "SELECT 1 FROM licences WHERE id = ?", l.ID)
			if err != nil {
				return err
			}
			if !found {
				return notFound("licence", l.ID)
			}
			return dam.E("", dam.FailedPrecondition, "licence %s was changed meanwhile", l.ID)
		}
		if l.Version == prevVersion {
			return nil
		}
		return insertLicenceVersion(ctx, q, l)
	})
}

// DeleteLicence removes a licence nothing is set to.
func (s *Store) DeleteLicence(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteLicence"
	return s.writeCached(ctx, op, func(q querier) error {
		used, err := q.exists(ctx, "SELECT 1 FROM folders WHERE licence = ? UNION ALL SELECT 1 FROM assets WHERE licence = ?", id, id)
		if err != nil {
			return err
		}
		if used {
			return dam.E("", dam.FailedPrecondition, "licence %s is still set on a folder or an asset", id)
		}
		res, err := q.exec(ctx, "DELETE FROM licences WHERE id = ?", id)
		return affected(res, err, notFound("licence", id))
	})
}

// checkLicence makes sure a licence setting names an existing licence that
// stays until commit.
func (s *Store) checkLicence(ctx context.Context, q querier, licence string) error {
	if licence == "" || licence == dam.NoLicence {
		return nil
	}
	found, err := q.exists(ctx, "SELECT 1 FROM licences WHERE id = ?"+s.d.forShare(), licence)
	if err == nil && !found {
		return notFound("licence", licence)
	}
	return err
}

// SetFolderLicence changes a folder's licence setting.
func (s *Store) SetFolderLicence(ctx context.Context, folderID, licence string, at time.Time) error {
	const op = "sqlstore.SetFolderLicence"
	return s.writeCached(ctx, op, func(q querier) error {
		if err := s.checkLicence(ctx, q, licence); err != nil {
			return err
		}
		res, err := q.exec(ctx, "UPDATE folders SET licence = ?, updated_at = ? WHERE id = ?", licence, encodeTime(at), folderID)
		return affected(res, err, notFound("folder", folderID))
	})
}

// SetAssetLicence changes a live asset's licence setting.
func (s *Store) SetAssetLicence(ctx context.Context, assetID, licence, by string, at time.Time) error {
	const op = "sqlstore.SetAssetLicence"
	return s.write(ctx, op, func(q querier) error {
		if err := s.checkLicence(ctx, q, licence); err != nil {
			return err
		}
		res, err := q.exec(ctx, "UPDATE assets SET licence = ?, updated_by = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL",
			licence, by, encodeTime(at), assetID)
		return affected(res, err, notFound("asset", assetID))
	})
}

// AcceptLicence records an acceptance; accepting again is a no-op.
func (s *Store) AcceptLicence(ctx context.Context, a dam.LicenceAcceptance) error {
	const op = "sqlstore.AcceptLicence"
	return s.writeCached(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, `INSERT INTO licence_acceptances (actor, licence_id, version, accepted_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (actor, licence_id, version) DO NOTHING`, a.Actor, a.LicenceID, a.Version, encodeTime(a.AcceptedAt))
		return err
	})
}

// Acceptances lists an actor's acceptances, oldest first.
func (s *Store) Acceptances(ctx context.Context, actor string) ([]dam.LicenceAcceptance, error) {
	const op = "sqlstore.Acceptances"
	rows, err := s.read().query(ctx, `SELECT actor, licence_id, version, accepted_at FROM licence_acceptances
		WHERE actor = ? ORDER BY accepted_at, licence_id, version`, actor)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	out := []dam.LicenceAcceptance{}
	for rows.Next() {
		var a dam.LicenceAcceptance
		if err := rows.Scan(&a.Actor, &a.LicenceID, &a.Version, dbTime{&a.AcceptedAt}); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		out = append(out, a)
	}
	return out, s.fail(ctx, op, rows.Err())
}

// LicenceUses lists what is set to licence id among the folders and assets
// (trashed ones too) of domains.
func (s *Store) LicenceUses(ctx context.Context, id string, domains []string, limit int) (dam.LicenceUses, error) {
	const op = "sqlstore.LicenceUses"
	out := dam.LicenceUses{FolderIDs: []string{}, AssetIDs: []string{}}
	if len(domains) == 0 {
		return out, nil
	}
	q := s.read()
	args := []any{id}
	for _, d := range domains {
		args = append(args, d)
	}
	in := " IN (" + placeholders(len(domains)) + ")"
	ids := func(query string, args ...any) ([]string, error) {
		rows, err := q.query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, rows.Err()
	}
	var err error
	if out.FolderIDs, err = ids("SELECT id FROM folders WHERE licence = ? AND domain"+in+" ORDER BY id", args...); err != nil {
		return dam.LicenceUses{}, s.fail(ctx, op, err)
	}
	if out.AssetIDs, err = ids("SELECT id FROM assets WHERE licence = ? AND domain"+in+" ORDER BY id LIMIT ?", append(args, limit)...); err != nil {
		return dam.LicenceUses{}, s.fail(ctx, op, err)
	}
	if err := q.queryRow(ctx, "SELECT COUNT(*) FROM assets WHERE licence = ? AND domain"+in, args...).Scan(&out.AssetCount); err != nil {
		return dam.LicenceUses{}, s.fail(ctx, op, err)
	}
	if out.FolderIDs == nil {
		out.FolderIDs = []string{}
	}
	if out.AssetIDs == nil {
		out.AssetIDs = []string{}
	}
	return out, nil
}
