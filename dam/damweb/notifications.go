package damweb

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).notificationRoutes) }

func (h *Handler) notificationRoutes() []route {
	return []route{
		{"GET", "/notifications", true, h.notificationsPage},
		{"POST", "/notifications/read", true, h.markRead},
	}
}

// notificationPageSize is how many notifications a page lists.
const notificationPageSize = 30

// notice is a notification as the inbox lists it.
type notice struct {
	dam.Notification
	Page string // the page it links to on this site ("" when none)
}

// notificationsData is the inbox page's.
type notificationsData struct {
	Notices     []notice
	UnreadOnly  bool
	Next, First string
	Here        string
}

// notificationsPage is the in-app inbox, newest first; ?unread=1 keeps the
// unread ones.
func (h *Handler) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	qs := r.URL.Query()
	d := notificationsData{UnreadOnly: qs.Get("unread") == "1", Here: r.URL.RequestURI()}
	cursor := qs.Get("cursor")
	ns, next, err := h.lib.Inbox(r.Context(), d.UnreadOnly, cursor, notificationPageSize)
	if err != nil {
		return err
	}
	d.First = "/notifications"
	if d.UnreadOnly {
		d.First += "?unread=1"
	}
	if next != "" {
		v := url.Values{"cursor": {next}}
		if d.UnreadOnly {
			v.Set("unread", "1")
		}
		d.Next = "/notifications?" + v.Encode()
	}
	if cursor == "" {
		d.First = ""
	}
	for _, n := range ns {
		d.Notices = append(d.Notices, notice{Notification: n, Page: pageOf(n.Link)})
	}
	return h.render(w, r, http.StatusOK, "notifications", "Notifications", "notifications", d)
}

// pageOf turns a notification's link (an absolute URL built from the
// library's Links, dam.Links) into the address of the page on this site:
// its path, query and fragment. Links of another shape give "".
func pageOf(link string) string {
	u, err := url.Parse(link)
	if err != nil || link == "" || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		p += "#" + u.EscapedFragment()
	}
	return localPath(p, "")
}

// markRead marks the checked notifications read ("id", one or several), or
// every one with "all". A form with neither changes nothing.
func (h *Handler) markRead(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	back := formBack(r, "/notifications")
	ids := r.PostForm["id"]
	if r.PostForm.Get("all") == "" && len(ids) == 0 {
		return redirect(w, r, back, "Select the notifications to mark read first.")
	}
	if r.PostForm.Get("all") != "" {
		ids = nil // dam marks every one
	}
	n, err := h.lib.MarkRead(r.Context(), ids)
	if err != nil {
		return err
	}
	msg := "Marked " + strconv.Itoa(n) + " notifications read."
	switch n {
	case 0:
		msg = "Nothing to mark: those were read already."
	case 1:
		msg = "Marked 1 notification read."
	}
	return redirect(w, r, back, msg)
}
