package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

func runLs(e *env, args []string) error {
	fs := e.flags("ls")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("ls takes one folder")
	}
	if err := e.connect(); err != nil {
		return err
	}
	tree, err := loadFolders(e.ctx, e.c)
	if err != nil {
		return err
	}
	id, err := tree.resolve(fs.Arg(0))
	if err != nil {
		return err
	}
	var sub []dam.Folder
	for _, f := range tree.byID {
		if f.ParentID == id {
			sub = append(sub, f)
		}
	}
	sortFolders(sub)
	if e.json {
		for _, f := range sub {
			_ = json.NewEncoder(e.stdout).Encode(map[string]any{"type": "folder", "id": f.ID, "name": f.Name, "path": tree.path(f.ID)})
		}
	} else {
		for _, f := range sub {
			fmt.Fprintf(e.stdout, "%-26s %10s  %s/\n", f.ID, "", f.Name)
		}
	}
	for a, err := range e.c.Assets(e.ctx, dam.AssetQuery{FolderID: &id, Sort: "name", Limit: 500}) {
		if err != nil {
			return err
		}
		printAsset(e, a)
	}
	return nil
}

func sortFolders(fs []dam.Folder) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && strings.ToLower(fs[j].Name) < strings.ToLower(fs[j-1].Name); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

func printAsset(e *env, a dam.Asset) {
	if e.json {
		_ = json.NewEncoder(e.stdout).Encode(a)
		return
	}
	fmt.Fprintf(e.stdout, "%-26s %10s  %s\n", a.ID, byteCount(a.Current.Size), a.Name)
}

func runSearch(e *env, args []string) error {
	fs := e.flags("search")
	kind := fs.String("kind", "", "only assets of this kind: image, video, audio, document, other")
	limit := fs.Int("limit", 100, "at most this many results (0: all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("search needs a query")
	}
	if err := e.connect(); err != nil {
		return err
	}
	n := 0
	q := dam.AssetQuery{Text: strings.Join(fs.Args(), " "), Kind: dam.MediaKind(*kind), Sort: "relevance"}
	for a, err := range e.c.Assets(e.ctx, q) {
		if err != nil {
			return err
		}
		printAsset(e, a)
		if n++; *limit > 0 && n >= *limit {
			break
		}
	}
	return nil
}

func runRequests(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("requests needs list, approve or deny")
	}
	verb := args[0]
	fs := e.flags("requests " + verb)
	status := fs.String("status", "pending", "list: pending, approved, denied, cancelled or \"\" for all")
	msg := fs.String("m", "", "approve, deny: a message to the requester")
	days := fs.Int("days", -1, "approve: how many days the permission lasts (0 until revoked; default as requested)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := e.connect(); err != nil {
		return err
	}
	switch verb {
	case "list":
		for r, err := range e.c.Requests(e.ctx, dam.RequestQuery{Status: dam.RequestStatus(*status)}) {
			if err != nil {
				return err
			}
			if e.json {
				_ = json.NewEncoder(e.stdout).Encode(r)
				continue
			}
			who := r.RequesterEmail
			fmt.Fprintf(e.stdout, "%-26s %-9s %-28s %s  %q\n", r.ID, r.Status, who, r.AssetName, r.Reason)
		}
		return nil
	case "approve", "deny":
		if fs.NArg() == 0 {
			return usagef("requests %s needs request IDs", verb)
		}
		var ds []dam.Decision
		for _, id := range fs.Args() {
			d := dam.Decision{RequestID: id, Approve: verb == "approve", Message: *msg}
			if *days >= 0 && verb == "approve" {
				d.ValidityDays = days
			}
			ds = append(ds, d)
		}
		res, err := e.c.Decide(e.ctx, ds)
		if err != nil {
			return err
		}
		failed := 0
		for _, r := range res {
			if r.Error != nil {
				failed++
			}
		}
		e.emit(res, func(w io.Writer) {
			for _, r := range res {
				if r.Error != nil {
					fmt.Fprintf(w, "%s: %s\n", r.RequestID, r.Error.Message)
					continue
				}
				fmt.Fprintf(w, "%s: %s\n", r.RequestID, r.Status)
			}
		})
		if failed > 0 {
			return partialError{failed: failed, total: len(res)}
		}
		return nil
	}
	return usagef("requests: list, approve or deny, not %q", verb)
}

func runShare(e *env, args []string) error {
	fs := e.flags("share")
	days := fs.Int("days", 7, "how many days the links work")
	guests := fs.String("guests", "", "guests' email addresses, separated by commas (none: one public link)")
	title := fs.String("title", "", "the share's title (default: the asset's name, or the collection's)")
	collection := fs.String("collection", "", "share a collection instead of assets")
	comment := fs.String("comment", "", "a message to the guests")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 && *collection == "" {
		return usagef("share needs asset IDs or -collection")
	}
	if err := e.connect(); err != nil {
		return err
	}
	if *title == "" {
		t, err := defaultShareTitle(e, fs.Args(), *collection)
		if err != nil {
			return err
		}
		*title = t
	}
	v, err := e.c.CreateShare(e.ctx, dam.NewShare{Title: *title, AssetIDs: fs.Args(), CollectionID: *collection,
		Days: *days, Guests: *guests, Comment: *comment})
	if err != nil {
		return err
	}
	type link struct {
		Email string `json:"email,omitempty"`
		URL   string `json:"url"`
	}
	var links []link
	for _, l := range v.Links {
		u := l.URL
		if u == "" {
			u = e.c.BaseURL() + "/s/" + l.Token
		}
		links = append(links, link{Email: l.Email, URL: u})
	}
	if v.PublicLink != "" {
		u := v.PublicLink
		if strings.HasPrefix(u, "/") {
			u = e.c.BaseURL() + u
		}
		links = append(links, link{URL: u})
	}
	e.emit(map[string]any{"id": v.ID, "expires_at": v.ExpiresAt, "links": links, "skipped": v.Skipped}, func(w io.Writer) {
		fmt.Fprintf(w, "share %s, until %s\n", v.ID, v.ExpiresAt.Local().Format(time.DateTime))
		for _, l := range links {
			if l.Email != "" {
				fmt.Fprintf(w, "  %s  %s\n", l.Email, l.URL)
			} else {
				fmt.Fprintf(w, "  %s\n", l.URL)
			}
		}
		for _, s := range v.Skipped {
			fmt.Fprintf(w, "  left out %s: %s\n", s.AssetID, s.Message)
		}
	})
	return nil
}

// defaultShareTitle names a share by what it holds.
func defaultShareTitle(e *env, ids []string, collection string) (string, error) {
	if collection != "" {
		c, err := e.c.Collection(e.ctx, collection)
		return c.Name, err
	}
	a, err := e.c.Asset(e.ctx, ids[0])
	if err != nil {
		return "", err
	}
	if len(ids) == 1 {
		return a.Name, nil
	}
	return fmt.Sprintf("%s and %d more", a.Name, len(ids)-1), nil
}

func runExportEvents(e *env, args []string) error {
	fs := e.flags("export-events")
	since := fs.String("since", "", "only events at or after this time (RFC 3339, or a duration back such as 24h)")
	until := fs.String("until", "", "only events before this time (RFC 3339, or a duration back)")
	asset := fs.String("asset", "", "only events of this asset")
	actor := fs.String("actor", "", "only events of this actor (a user ID or a guest's email)")
	action := fs.String("action", "", "only events of this action")
	asCSV := fs.Bool("csv", false, "write CSV instead of JSON lines")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("export-events takes no arguments")
	}
	q := dam.EventQuery{AssetID: *asset, ActorID: *actor, Action: dam.EventAction(*action)}
	var err error
	if q.Since, err = timeFlag("-since", *since); err != nil {
		return err
	}
	if q.Until, err = timeFlag("-until", *until); err != nil {
		return err
	}
	if err := e.connect(); err != nil {
		return err
	}
	format := "jsonl"
	if *asCSV {
		format = "csv"
	}
	// The server streams every event selected, oldest first.
	body, err := e.c.ExportEvents(e.ctx, q, format)
	if err != nil {
		return err
	}
	defer body.Close()
	_, err = io.Copy(e.stdout, body)
	return err
}

// timeFlag reads a time flag: RFC 3339, or a duration back from now.
func timeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return time.Now().Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("%s: a time (2026-01-02T15:04:05Z) or a duration back (24h), not %q", name, v)
}
