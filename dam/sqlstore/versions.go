package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

var versionColumns = []string{"asset_id", "number", "sha256", "crc32", "size", "media_type",
	"width", "height", "exif", "embedded", "media", "original_name", "created_by", "created_at"}

// versionColsOf lists the version columns, qualified by a table alias.
func versionColsOf(alias string) string {
	return alias + "." + strings.Join(versionColumns, ", "+alias+".")
}

// versionDest returns the scan destinations matching versionColumns.
func versionDest(v *dam.Version) []any {
	return []any{&v.AssetID, &v.Number, &v.SHA256, scanUint32{&v.CRC32}, &v.Size, &v.MediaType,
		&v.Width, &v.Height, dbOptional[dam.EXIF]{&v.EXIF}, dbOptional[dam.Embedded]{&v.Embedded}, dbOptional[dam.Media]{&v.Media}, &v.OriginalName, &v.CreatedBy, dbTime{&v.CreatedAt}}
}

// scanUint32 scans a BIGINT column into a uint32 (PostgreSQL has no unsigned types).
type scanUint32 struct{ u *uint32 }

func (d scanUint32) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*d.u = uint32(n.Int64)
	return nil
}

func insertVersion(ctx context.Context, q querier, v dam.Version) error {
	exif, err := encodeEXIF(v.EXIF)
	if err != nil {
		return err
	}
	embedded, err := encodeEmbedded(v.Embedded)
	if err != nil {
		return err
	}
	media, err := encodeOptional(v.Media, func(*dam.Media) {})
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, "INSERT INTO versions ("+strings.Join(versionColumns, ", ")+
		") VALUES ("+placeholders(len(versionColumns))+")",
		v.AssetID, v.Number, v.SHA256, int64(v.CRC32), v.Size, v.MediaType, v.Width, v.Height,
		exif, embedded, media, v.OriginalName, v.CreatedBy, encodeTime(v.CreatedAt))
	return err
}

// AddVersion appends v as the next version of the live asset a.ID, makes it
// current, and writes a's editable fields (categories when not nil) in the
// same transaction; the asset's kind follows v's media type.
// Numbers come from a per-asset counter bumped by the same statement that
// locks the asset row, so concurrent additions get distinct numbers and a
// deleted number is never reused.
func (s *Store) AddVersion(ctx context.Context, a dam.Asset, v dam.Version) (int, error) {
	const op = "sqlstore.AddVersion"
	var number int
	err := s.write(ctx, op, func(q querier) error {
		err := q.queryRow(ctx, `UPDATE assets SET last_version = last_version + 1
			WHERE id = ? AND deleted_at IS NULL RETURNING last_version`, a.ID).Scan(&number)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("asset", a.ID)
		}
		if err != nil {
			return err
		}
		if err := s.checkFolder(ctx, q, a.FolderID); err != nil {
			return err
		}
		if err := q.lock(ctx, blobLock(v.SHA256)); err != nil {
			return err
		}
		v.AssetID, v.Number = a.ID, number
		if err := insertVersion(ctx, q, v); err != nil {
			return err
		}
		if err := updateAsset(ctx, q, a, ", kind = ?, current_version = ?, current_size = ?, captured_at = ?",
			string(dam.MediaKindOf(v.MediaType)), number, v.Size, captureKey(a, v)); err != nil {
			return err
		}
		m := newMemberships()
		if err := s.putCategories(ctx, q, m, a.ID, a.Categories); err != nil {
			return err
		}
		if err := m.flush(ctx, q); err != nil {
			return err
		}
		return s.index(ctx, q, a.ID)
	})
	if err != nil {
		return 0, err
	}
	return number, nil
}

// Versions lists the versions of an asset (trashed or not), oldest first.
func (s *Store) Versions(ctx context.Context, assetID string) ([]dam.Version, error) {
	const op = "sqlstore.Versions"
	q := s.read()
	rows, err := q.query(ctx, "SELECT "+strings.Join(versionColumns, ", ")+
		" FROM versions WHERE asset_id = ? ORDER BY number", assetID)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var vs []dam.Version
	for rows.Next() {
		var v dam.Version
		if err := rows.Scan(versionDest(&v)...); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, op, err)
	}
	if len(vs) == 0 { // every asset has a version: no rows means no asset
		return nil, s.fail(ctx, op, notFound("asset", assetID))
	}
	return vs, nil
}

// DeleteVersion removes one version of a live asset; the last one is
// refused (FailedPrecondition). When the current version goes, the newest
// left becomes current and the asset's kind follows its media type. It reports whether any version still references
// the deleted version's blob, and the blob's SHA-256.
func (s *Store) DeleteVersion(ctx context.Context, assetID string, number int) (blobInUse bool, sha256 string, err error) {
	const op = "sqlstore.DeleteVersion"
	err = s.write(ctx, op, func(q querier) error {
		var current int
		err := q.queryRow(ctx, "SELECT current_version FROM assets WHERE id = ? AND deleted_at IS NULL"+s.d.forUpdate(),
			assetID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("asset", assetID)
		}
		if err != nil {
			return err
		}
		err = q.queryRow(ctx, "SELECT sha256 FROM versions WHERE asset_id = ? AND number = ?", assetID, number).Scan(&sha256)
		if errors.Is(err, sql.ErrNoRows) {
			return dam.E("", dam.NotFound, "version %d of asset %s not found", number, assetID)
		}
		if err != nil {
			return err
		}
		var n int
		if err := q.queryRow(ctx, "SELECT COUNT(*) FROM versions WHERE asset_id = ?", assetID).Scan(&n); err != nil {
			return err
		}
		if n <= 1 {
			return dam.E("", dam.FailedPrecondition, "version %d is the only version of asset %s", number, assetID)
		}
		if err := q.lock(ctx, blobLock(sha256)); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "DELETE FROM versions WHERE asset_id = ? AND number = ?", assetID, number); err != nil {
			return err
		}
		if number == current {
			var v dam.Version
			var createdAt time.Time
			if err := q.queryRow(ctx, "SELECT "+versionColsOf("v")+`, a.created_at FROM versions v JOIN assets a ON a.id = v.asset_id
				WHERE v.asset_id = ? ORDER BY v.number DESC LIMIT 1`, assetID).Scan(append(versionDest(&v), dbTime{&createdAt})...); err != nil {
				return err
			}
			if _, err := q.exec(ctx, "UPDATE assets SET current_version = ?, kind = ?, current_size = ?, captured_at = ? WHERE id = ?",
				v.Number, string(dam.MediaKindOf(v.MediaType)), v.Size, captureKey(dam.Asset{CreatedAt: createdAt}, v), assetID); err != nil {
				return err
			}
		}
		blobInUse, err = q.exists(ctx, "SELECT 1 FROM versions WHERE sha256 = ? LIMIT 1", sha256)
		return err
	})
	if err != nil {
		return false, "", err
	}
	return blobInUse, sha256, nil
}
