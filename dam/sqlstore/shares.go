package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

const (
	shareColumns = "id, title, description, profile, created_by, created_at, updated_at, expires_at, enabled, expiring_notice_at, expired_notice_at, " +
		"view_only, password_hash, download_limit, downloads, asset_download_limit"
	guestColumns = "id, share_id, user_id, email, token_hash, invited_by, invited_at, removed_at, expires_at, download_limit, downloads"
	// maxShareRows bounds one listing of shares.
	maxShareRows = 10000
)

func scanShare(sc rowScanner) (dam.Share, error) {
	var s dam.Share
	var enabled, viewOnly int
	err := sc.Scan(&s.ID, &s.Title, &s.Description, &s.Profile, &s.CreatedBy, dbTime{&s.CreatedAt}, dbTime{&s.UpdatedAt},
		dbTime{&s.ExpiresAt}, &enabled, dbTimePtr{&s.ExpiringNoticeAt}, dbTimePtr{&s.ExpiredNoticeAt},
		&viewOnly, &s.PasswordHash, &s.DownloadLimit, &s.Downloads, &s.AssetDownloadLimit)
	s.Enabled, s.ViewOnly = enabled != 0, viewOnly != 0
	return s, err
}

func scanGuest(sc rowScanner) (dam.Guest, error) {
	var g dam.Guest
	var h string
	err := sc.Scan(&g.ID, &g.ShareID, &g.UserID, &g.Email, &h, &g.InvitedBy, dbTime{&g.InvitedAt}, dbTimePtr{&g.RemovedAt},
		dbTimePtr{&g.ExpiresAt}, &g.DownloadLimit, &g.Downloads)
	if err == nil {
		g.TokenHash, err = hex.DecodeString(h)
	}
	return g, err
}

func insertGuests(ctx context.Context, q querier, gs []dam.Guest) error {
	for _, g := range gs {
		if len(g.TokenHash) == 0 {
			return dam.E("", dam.Invalid, "guest %s has no token hash", g.ID)
		}
		if _, err := q.exec(ctx, "INSERT INTO share_guests ("+guestColumns+") VALUES ("+placeholders(11)+")",
			g.ID, g.ShareID, g.UserID, g.Email, hex.EncodeToString(g.TokenHash), g.InvitedBy, encodeTime(g.InvitedAt),
			encodeTimePtr(g.RemovedAt), encodeTimePtr(g.ExpiresAt), g.DownloadLimit, g.Downloads); err != nil {
			return err
		}
	}
	return nil
}

// insertShareAssets adds assets to a share, each with its profile from
// profiles ("" when it names none); assets already there keep theirs.
func insertShareAssets(ctx context.Context, q querier, id string, assetIDs []string, profiles map[string]string, at time.Time) error {
	for _, a := range assetIDs {
		found, err := q.exists(ctx, "SELECT 1 FROM share_assets WHERE share_id = ? AND asset_id = ?", id, a)
		if err != nil {
			return err
		}
		if found {
			continue
		}
		if _, err := q.exec(ctx, "INSERT INTO share_assets (share_id, asset_id, added_at, profile) VALUES (?, ?, ?, ?)",
			id, a, encodeTime(at), profiles[a]); err != nil {
			return err
		}
	}
	return nil
}

func shareExists(ctx context.Context, q querier, id string) error {
	found, err := q.exists(ctx, "SELECT 1 FROM shares WHERE id = ?", id)
	if err != nil {
		return err
	}
	if !found {
		return notFound("share", id)
	}
	return nil
}

// CreateShare inserts a share with its assets and guests.
func (s *Store) CreateShare(ctx context.Context, sh dam.Share) error {
	const op = "sqlstore.CreateShare"
	return s.write(ctx, op, func(q querier) error {
		if _, err := q.exec(ctx, "INSERT INTO shares ("+shareColumns+") VALUES ("+placeholders(16)+")",
			sh.ID, sh.Title, sh.Description, sh.Profile, sh.CreatedBy, encodeTime(sh.CreatedAt), encodeTime(sh.UpdatedAt),
			encodeTime(sh.ExpiresAt), boolInt(sh.Enabled), encodeTimePtr(sh.ExpiringNoticeAt), encodeTimePtr(sh.ExpiredNoticeAt),
			boolInt(sh.ViewOnly), sh.PasswordHash, sh.DownloadLimit, sh.Downloads, sh.AssetDownloadLimit); err != nil {
			return err
		}
		if err := insertShareAssets(ctx, q, sh.ID, sh.AssetIDs, sh.AssetProfiles, sh.CreatedAt); err != nil {
			return err
		}
		return insertGuests(ctx, q, sh.Guests)
	})
}

// shareAssets reads a share's assets in the order they were added, and
// the profiles of those that have one (nil when none has).
func (s *Store) shareAssets(ctx context.Context, q querier, id string) ([]string, map[string]string, error) {
	rows, err := q.query(ctx, "SELECT asset_id, profile FROM share_assets WHERE share_id = ? ORDER BY added_at, asset_id", id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ids := []string{}
	var profiles map[string]string
	for rows.Next() {
		var a, p string
		if err := rows.Scan(&a, &p); err != nil {
			return nil, nil, err
		}
		ids = append(ids, a)
		if p != "" {
			if profiles == nil {
				profiles = map[string]string{}
			}
			profiles[a] = p
		}
	}
	return ids, profiles, rows.Err()
}

// Share returns a share with its assets and guests.
func (s *Store) Share(ctx context.Context, id string) (dam.Share, error) {
	const op = "sqlstore.Share"
	q := s.read()
	sh, err := scanShare(q.queryRow(ctx, "SELECT "+shareColumns+" FROM shares WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Share{}, s.fail(ctx, op, notFound("share", id))
	}
	if err != nil {
		return dam.Share{}, s.fail(ctx, op, err)
	}
	if sh.AssetIDs, sh.AssetProfiles, err = s.shareAssets(ctx, q, id); err != nil {
		return dam.Share{}, s.fail(ctx, op, err)
	}
	rows, err := q.query(ctx, "SELECT "+guestColumns+" FROM share_guests WHERE share_id = ? ORDER BY id", id)
	if err != nil {
		return dam.Share{}, s.fail(ctx, op, err)
	}
	defer rows.Close()
	for rows.Next() {
		g, err := scanGuest(rows)
		if err != nil {
			return dam.Share{}, s.fail(ctx, op, err)
		}
		sh.Guests = append(sh.Guests, g)
	}
	return sh, s.fail(ctx, op, rows.Err())
}

// Shares lists a user's shares newest first, with their assets.
func (s *Store) Shares(ctx context.Context, createdBy string) ([]dam.Share, error) {
	const op = "sqlstore.Shares"
	q := s.read()
	out, err := s.listShares(ctx, q, "SELECT "+shareColumns+" FROM shares WHERE created_by = ? ORDER BY id DESC LIMIT ?", createdBy, maxShareRows)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	for i := range out {
		if out[i].AssetIDs, out[i].AssetProfiles, err = s.shareAssets(ctx, q, out[i].ID); err != nil {
			return nil, s.fail(ctx, op, err)
		}
	}
	return out, nil
}

func (s *Store) listShares(ctx context.Context, q querier, query string, args ...any) ([]dam.Share, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []dam.Share{}
	for rows.Next() {
		sh, err := scanShare(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// UpdateShare writes a share's editable fields.
func (s *Store) UpdateShare(ctx context.Context, sh dam.Share) error {
	const op = "sqlstore.UpdateShare"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE shares SET title = ?, description = ?, enabled = ?, updated_at = ?, expires_at = ?, "+
			"view_only = ?, password_hash = ?, download_limit = ?, asset_download_limit = ?, expiring_notice_at = ?, expired_notice_at = ? WHERE id = ?",
			sh.Title, sh.Description, boolInt(sh.Enabled), encodeTime(sh.UpdatedAt), encodeTime(sh.ExpiresAt),
			boolInt(sh.ViewOnly), sh.PasswordHash, sh.DownloadLimit, sh.AssetDownloadLimit, encodeTimePtr(sh.ExpiringNoticeAt), encodeTimePtr(sh.ExpiredNoticeAt), sh.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("share", sh.ID)
		}
		return nil
	})
}

// DeleteShare removes a share, its assets and its guests.
func (s *Store) DeleteShare(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteShare"
	return s.write(ctx, op, func(q querier) error {
		if err := shareExists(ctx, q, id); err != nil {
			return err
		}
		for _, stmt := range []string{"DELETE FROM share_guests WHERE share_id = ?", "DELETE FROM share_assets WHERE share_id = ?",
			"DELETE FROM share_asset_downloads WHERE share_id = ?", "DELETE FROM shares WHERE id = ?"} {
			if _, err := q.exec(ctx, stmt, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddShareAssets adds assets to a share.
func (s *Store) AddShareAssets(ctx context.Context, id string, assetIDs []string, at time.Time) error {
	const op = "sqlstore.AddShareAssets"
	return s.write(ctx, op, func(q querier) error {
		if err := shareExists(ctx, q, id); err != nil {
			return err
		}
		return insertShareAssets(ctx, q, id, assetIDs, nil, at)
	})
}

// RemoveShareAssets removes assets from a share.
func (s *Store) RemoveShareAssets(ctx context.Context, id string, assetIDs []string) error {
	const op = "sqlstore.RemoveShareAssets"
	return s.write(ctx, op, func(q querier) error {
		if err := shareExists(ctx, q, id); err != nil {
			return err
		}
		for _, a := range assetIDs {
			if _, err := q.exec(ctx, "DELETE FROM share_assets WHERE share_id = ? AND asset_id = ?", id, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddGuests inserts guests of existing shares.
func (s *Store) AddGuests(ctx context.Context, gs []dam.Guest) error {
	const op = "sqlstore.AddGuests"
	return s.write(ctx, op, func(q querier) error {
		for _, g := range gs {
			if err := shareExists(ctx, q, g.ShareID); err != nil {
				return err
			}
		}
		return insertGuests(ctx, q, gs)
	})
}

// RemoveGuest ends a guest's access, compare-and-set on removed_at.
func (s *Store) RemoveGuest(ctx context.Context, shareID, guestID string, at time.Time) error {
	const op = "sqlstore.RemoveGuest"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE share_guests SET removed_at = ? WHERE id = ? AND share_id = ? AND removed_at IS NULL",
			encodeTime(at), guestID, shareID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			found, err := q.exists(ctx, "SELECT 1 FROM share_guests WHERE id = ? AND share_id = ?", guestID, shareID)
			if err != nil {
				return err
			}
			if !found {
				return notFound("guest", guestID)
			}
			return dam.E("", dam.Conflict, "guest %s was already removed", guestID)
		}
		return nil
	})
}

// UpdateGuest writes a guest's own expiry and download limit.
func (s *Store) UpdateGuest(ctx context.Context, g dam.Guest) error {
	const op = "sqlstore.UpdateGuest"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE share_guests SET expires_at = ?, download_limit = ? WHERE id = ? AND share_id = ?",
			encodeTimePtr(g.ExpiresAt), g.DownloadLimit, g.ID, g.ShareID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("guest", g.ID)
		}
		return nil
	})
}

// CountDownload counts a download against the share's limit and the
// guest's. Each UPDATE adds one only while its counter is under its limit;
// under PostgreSQL's row lock (and SQLite's one writer) a second
// transaction re-reads the counter the first wrote, so no two processes
// pass the same last download.
func (s *Store) CountDownload(ctx context.Context, shareID, guestID string) error {
	const op = "sqlstore.CountDownload"
	return s.write(ctx, op, func(q querier) error { return countShareDownload(ctx, q, shareID, guestID) })
}

// CountAssetDownloads counts one download of the share, of the guest and
// of each of assetIDs by the guest (at most limit each), in one
// transaction: nothing is counted when any is used up.
func (s *Store) CountAssetDownloads(ctx context.Context, shareID, guestID string, assetIDs []string, limit int) error {
	const op = "sqlstore.CountAssetDownloads"
	return s.write(ctx, op, func(q querier) error {
		if err := countShareDownload(ctx, q, shareID, guestID); err != nil {
			return err
		}
		for _, a := range assetIDs {
			if err := countAssetDownload(ctx, q, shareID, guestID, a, limit); err != nil {
				return err
			}
		}
		return nil
	})
}

// countAssetDownload adds one to a guest's downloads of an asset while
// under limit: compare-and-set on the row, made at the first download.
func countAssetDownload(ctx context.Context, q querier, shareID, guestID, assetID string, limit int) error {
	for range 2 {
		res, err := q.exec(ctx, "UPDATE share_asset_downloads SET downloads = downloads + 1 WHERE share_id = ? AND guest_id = ? AND asset_id = ? AND downloads < ?",
			shareID, guestID, assetID, limit)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return nil
		}
		found, err := q.exists(ctx, "SELECT 1 FROM share_asset_downloads WHERE share_id = ? AND guest_id = ? AND asset_id = ?", shareID, guestID, assetID)
		if err != nil {
			return err
		}
		if found {
			return dam.E("", dam.Gone, "your downloads of asset %s are used up", assetID)
		}
		if limit < 1 {
			return dam.E("", dam.Gone, "your downloads of asset %s are used up", assetID)
		}
		res, err = q.exec(ctx, "INSERT INTO share_asset_downloads (share_id, guest_id, asset_id, downloads) VALUES (?, ?, ?, 1) ON CONFLICT (share_id, guest_id, asset_id) DO NOTHING",
			shareID, guestID, assetID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return nil
		}
		// Another process made the row first: count against it.
	}
	return dam.E("", dam.Conflict, "the downloads of asset %s kept changing", assetID)
}

// countShareDownload counts one download against a share's limit and its
// guest's.
func countShareDownload(ctx context.Context, q querier, shareID, guestID string) error {
	res, err := q.exec(ctx, "UPDATE shares SET downloads = downloads + 1 WHERE id = ? AND (download_limit = 0 OR downloads < download_limit)", shareID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		if err := shareExists(ctx, q, shareID); err != nil {
			return err
		}
		return dam.E("", dam.Gone, "this share's downloads are used up")
	}
	res, err = q.exec(ctx, "UPDATE share_guests SET downloads = downloads + 1 WHERE id = ? AND share_id = ? AND (download_limit = 0 OR downloads < download_limit)",
		guestID, shareID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		found, err := q.exists(ctx, "SELECT 1 FROM share_guests WHERE id = ? AND share_id = ?", guestID, shareID)
		if err != nil {
			return err
		}
		if !found {
			return notFound("guest", guestID)
		}
		return dam.E("", dam.Gone, "your downloads of this share are used up")
	}
	return nil
}

// GuestByTokenHash returns the guest whose token hashes to h.
func (s *Store) GuestByTokenHash(ctx context.Context, h []byte) (dam.Guest, error) {
	const op = "sqlstore.GuestByTokenHash"
	if len(h) == 0 {
		return dam.Guest{}, dam.E(op, dam.NotFound, "no guest has this link")
	}
	g, err := scanGuest(s.read().queryRow(ctx, "SELECT "+guestColumns+" FROM share_guests WHERE token_hash = ?", hex.EncodeToString(h)))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Guest{}, dam.E(op, dam.NotFound, "no guest has this link")
	}
	return g, s.fail(ctx, op, err)
}

// SharesDue lists shares that still owe the sharer a notice.
func (s *Store) SharesDue(ctx context.Context, soon, now time.Time, limit int) ([]dam.Share, error) {
	const op = "sqlstore.SharesDue"
	out, err := s.listShares(ctx, s.read(), "SELECT "+shareColumns+" FROM shares WHERE "+
		"(expiring_notice_at IS NULL AND expires_at <= ?) OR (expired_notice_at IS NULL AND expires_at <= ?) "+
		"ORDER BY expires_at, id LIMIT ?", encodeTime(soon), encodeTime(now), pageLimit(limit))
	return out, s.fail(ctx, op, err)
}

// MarkShareNotice records a sent notice once.
func (s *Store) MarkShareNotice(ctx context.Context, id string, n dam.ShareNotice, at time.Time) (bool, error) {
	const op = "sqlstore.MarkShareNotice"
	var col string
	switch n {
	case dam.NoticeExpiring:
		col = "expiring_notice_at"
	case dam.NoticeExpired:
		col = "expired_notice_at"
	default:
		return false, dam.E(op, dam.Invalid, "unknown share notice %q", n)
	}
	marked := false
	err := s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE shares SET "+col+" = ? WHERE id = ? AND "+col+" IS NULL", encodeTime(at), id)
		if err != nil {
			return err
		}
		c, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if c == 0 {
			return shareExists(ctx, q, id)
		}
		marked = true
		return nil
	})
	return marked, err
}
