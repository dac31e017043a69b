package damweb

import (
	"net/http"
	"net/url"
	"time"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).trashRoutes) }

func (h *Handler) trashRoutes() []route {
	return []route{
		{"GET", "/trash", true, h.trashPage},
		{"POST", "/trash/{id}/restore", true, h.restore},
	}
}

// trashPageSize is how many trashed assets a page lists.
const trashPageSize = 50

// trashRow is a trashed asset as the trash page lists it.
type trashRow struct {
	dam.Asset
	KindLabel string
	DeletedBy string    // who: "you", an email, or "another user"
	PurgeAt   time.Time // when it goes for good
	DaysLeft  int       // days until then, a started day counting (0: due now)
}

// trashData is the trash page's.
type trashData struct {
	Rows        []trashRow
	Everyone    bool // an owner: the trash of the whole domain, not only mine
	CanRestore  bool
	Retention   int // days an asset stays in the trash
	Next, First string
	Here        string
}

// trashPage lists the trash as dam.Trash decides (all of an owner's
// domains, what the user deleted for anyone else), with who deleted each
// asset and how long it stays.
func (h *Handler) trashPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := actorOf(ctx)
	cursor := r.URL.Query().Get("cursor")
	assets, next, err := h.lib.Trash(ctx, cursor, trashPageSize)
	if err != nil {
		return err
	}
	d := trashData{Everyone: me.IsOwner(), CanRestore: me.CanEdit(), Here: r.URL.RequestURI(),
		Retention: int(h.lib.Options().TrashRetention / (24 * time.Hour))}
	if next != "" {
		d.Next = "/trash?cursor=" + url.QueryEscape(next)
	}
	if cursor != "" {
		d.First = "/trash"
	}
	who := map[string]string{me.UserID: "you"}
	if me.IsOwner() && len(assets) > 0 {
		// Owners see others' deletions; the users list names them.
		users, err := h.lib.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.ID != me.UserID {
				who[u.ID] = u.Email
			}
		}
	}
	now := h.lib.Now()
	for _, a := range assets {
		row := trashRow{Asset: a, KindLabel: kindLabel(a), DeletedBy: who[a.DeletedBy], PurgeAt: h.lib.PurgeAt(a)}
		if row.DeletedBy == "" {
			row.DeletedBy = "another user"
		}
		if left := row.PurgeAt.Sub(now); left > 0 {
			row.DaysLeft = int((left + 24*time.Hour - 1) / (24 * time.Hour)) // started days count
		}
		d.Rows = append(d.Rows, row)
	}
	return h.render(w, r, http.StatusOK, "trash", "Trash", "trash", d)
}

func (h *Handler) restore(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := h.lib.Restore(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return redirect(w, r, formBack(r, "/trash"), "“"+a.Name+"” is back in the library, where it was.")
}
