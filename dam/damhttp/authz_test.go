package damhttp_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// The authorization table: every route of the server's table, asked by
// every role of the objects' domain and of another domain, about objects
// that exist in domain default and about absent ones. It asserts that
//   - nobody below a route's role answers 2xx in its own domain;
//   - in another domain, an object of default answers exactly as an absent
//     one (same status and body, the ID aside), never 2xx;
//   - routes that name no object leak nothing of default to another domain;
//   - the lowest allowed role of default succeeds (so no case passes
//     because its request was malformed).
// A route missing from the table fails the test.

// level orders the roles: each may do what the ones before it may.
type level int

const (
	viewer level = iota
	editor
	owner
	admin
)

func (l level) String() string { return [...]string{"viewer", "editor", "owner", "admin"}[l] }

// authCase is how one route is exercised.
type authCase struct {
	min    level  // the lowest role that may call it in its own domain
	path   string // with {placeholders} of the fixture's objects
	body   string // JSON (or raw) body with placeholders; "" none
	target string // the placeholder naming the object of default the route acts on; "" none
	// domainBound marks a route that acts in domain default without naming
	// an object of it (a body naming the domain, a category holding its
	// assets): other domains' users (admins aside) are refused.
	domainBound bool
	batch       bool   // answers 200 with per-item errors: compared, not refused
	adminReach  bool   // admins reach the target in every domain (users and their keys)
	allowed     string // the actor that succeeds (default: default's actor of role min)
	okStatus    int    // what allowed gets (default: any 2xx)
	phase       int    // allowed calls run by phase, so deletions come last
}

// publicRoutes take no API key: their credentials are share tokens and
// portal links, tested in shares_test.go and portals_test.go.
var publicRoutes = map[string]string{
	"GET /healthz":                                       "health check",
	"GET /api/v1/openapi.json":                           "the API description",
	"POST /s/{token}/licences/{id}/accept":               "share guest token",
	"POST /p/{slug}/access/{token}/licences/{id}/accept": "portal visitor link",
	"GET /s/{token}/assets/{id}/preview":                 "share guest token",
	"GET /p/{slug}":                                      "public portal",
	"GET /p/{slug}/assets/{id}":                          "public portal",
	"POST /p/{slug}/requests":                            "public portal",
	"GET /p/{slug}/access/{token}":                       "portal visitor link",
	"GET /p/{slug}/access/{token}/assets/{id}":           "portal visitor link",
	"GET /p/{slug}/assets/{id}/preview":                  "public portal",
	"GET /p/{slug}/access/{token}/assets/{id}/preview":   "portal visitor link",
	"GET /s/{token}":                                     "share guest token",
	"GET /s/{token}/assets/{id}":                         "share guest token",
	"GET /s/{token}/download":                            "share guest token",
	"POST /s/{token}/unlock":                             "share guest token",
	"GET /p/{slug}/access/{token}/download":              "portal visitor link",
	// Background ZIPs of guests and visitors: guestjobs_test.go checks that
	// one guest's (visitor's) jobs are not found through another's link.
	"POST /s/{token}/downloads":                              "share guest token",
	"GET /s/{token}/downloads":                               "share guest token",
	"GET /s/{token}/downloads/{job}":                         "share guest token",
	"DELETE /s/{token}/downloads/{job}":                      "share guest token",
	"GET /s/{token}/downloads/{job}/parts/{n}":               "share guest token",
	"POST /p/{slug}/access/{token}/downloads":                "portal visitor link",
	"GET /p/{slug}/access/{token}/downloads":                 "portal visitor link",
	"GET /p/{slug}/access/{token}/downloads/{job}":           "portal visitor link",
	"DELETE /p/{slug}/access/{token}/downloads/{job}":        "portal visitor link",
	"GET /p/{slug}/access/{token}/downloads/{job}/parts/{n}": "portal visitor link",
}

var authCases = map[string]authCase{
	"POST /api/v1/users":                            {min: owner, path: "/api/v1/users", body: `{"email":"made-{n}@example.com","role":"viewer","domains":["default"]}`, domainBound: true},
	"GET /api/v1/users":                             {min: owner, path: "/api/v1/users"},
	"GET /api/v1/me":                                {min: viewer, path: "/api/v1/me"},
	"GET /api/v1/users/{id}":                        {min: owner, path: "/api/v1/users/{member}", target: "member", adminReach: true},
	"PATCH /api/v1/users/{id}":                      {min: owner, path: "/api/v1/users/{member}", body: `{"name":"Renamed"}`, target: "member", adminReach: true},
	"DELETE /api/v1/users/{id}":                     {min: owner, path: "/api/v1/users/{member}", target: "member", adminReach: true, phase: 4},
	"GET /api/v1/users/{id}/keys":                   {min: owner, path: "/api/v1/users/{member}/keys", target: "member", adminReach: true},
	"POST /api/v1/users/{id}/keys":                  {min: owner, path: "/api/v1/users/{member}/keys", body: `{"name":"key {n}"}`, target: "member", adminReach: true},
	"DELETE /api/v1/keys/{id}":                      {min: owner, path: "/api/v1/keys/{key}", target: "key", adminReach: true, phase: 1},
	"POST /api/v1/assets":                           {min: editor, path: "/api/v1/assets?name=up.txt&folder={folder}", body: "raw bytes", target: "folder"},
	"GET /api/v1/assets":                            {min: viewer, path: "/api/v1/assets"},
	"PATCH /api/v1/assets":                          {min: editor, path: "/api/v1/assets", body: `{"ids":["{asset}"],"patch":{"title":"t"}}`, target: "asset"},
	"GET /api/v1/assets/{id}":                       {min: viewer, path: "/api/v1/assets/{asset}", target: "asset"},
	"PATCH /api/v1/assets/{id}":                     {min: editor, path: "/api/v1/assets/{asset}", body: `{"title":"t"}`, target: "asset"},
	"POST /api/v1/assets/delete":                    {min: editor, path: "/api/v1/assets/delete", body: `{"ids":["{spare}"]}`, target: "spare", phase: 3},
	"DELETE /api/v1/assets/{id}":                    {min: editor, path: "/api/v1/assets/{asset}", target: "asset", phase: 4},
	"POST /api/v1/assets/{id}/versions":             {min: editor, path: "/api/v1/assets/{asset}/versions?name=v.txt", body: "raw bytes", target: "asset", phase: 1},
	"GET /api/v1/assets/{id}/versions":              {min: viewer, path: "/api/v1/assets/{asset}/versions", target: "asset"},
	"DELETE /api/v1/assets/{id}/versions/{n}":       {min: editor, path: "/api/v1/assets/{asset}/versions/1", target: "asset", phase: 1},
	"POST /api/v1/assets/{id}/versions/{n}/restore": {min: editor, path: "/api/v1/assets/{asset}/versions/1/restore", target: "asset"},
	"POST /api/v1/assets/{id}/clone":                {min: editor, path: "/api/v1/assets/{asset}/clone", body: `{"name":"copy.png"}`, target: "asset"},
	"POST /api/v1/assets/{id}/notes":                {min: viewer, path: "/api/v1/assets/{asset}/notes", body: `{"text":"a note"}`, target: "asset"},
	"GET /api/v1/assets/{id}/notes":                 {min: viewer, path: "/api/v1/assets/{asset}/notes", target: "asset"},
	"GET /api/v1/assets/{id}/download":              {min: viewer, path: "/api/v1/assets/{asset}/download", target: "asset"},
	"GET /api/v1/trash":                             {min: viewer, path: "/api/v1/trash"},
	"POST /api/v1/trash/{id}/restore":               {min: editor, path: "/api/v1/trash/{trash}/restore", target: "trash"},
	"POST /api/v1/folders":                          {min: editor, path: "/api/v1/folders", body: `{"name":"sub","parent_id":"{folder}"}`, target: "folder"},
	"GET /api/v1/folders":                           {min: viewer, path: "/api/v1/folders"},
	"GET /api/v1/folders/{id}":                      {min: viewer, path: "/api/v1/folders/{folder}", target: "folder"},
	"PATCH /api/v1/folders/{id}":                    {min: editor, path: "/api/v1/folders/{folder}", body: `{"name":"renamed"}`, target: "folder"},
	"DELETE /api/v1/folders/{id}":                   {min: editor, path: "/api/v1/folders/{folder}", target: "folder", okStatus: 412},
	"POST /api/v1/collections":                      {min: viewer, path: "/api/v1/collections", body: `{"name":"mine {n}"}`},
	"GET /api/v1/collections":                       {min: viewer, path: "/api/v1/collections"},
	"GET /api/v1/collections/{id}":                  {min: editor, path: "/api/v1/collections/{collection}", target: "collection", allowed: "editor"},
	"PATCH /api/v1/collections/{id}":                {min: editor, path: "/api/v1/collections/{collection}", body: `{"name":"renamed"}`, target: "collection"},
	"DELETE /api/v1/collections/{id}":               {min: editor, path: "/api/v1/collections/{collection}", target: "collection", phase: 2},
	"POST /api/v1/collections/{id}/items":           {min: editor, path: "/api/v1/collections/{collection}/items", body: `{"items":[{"asset_id":"{asset}"}]}`, target: "collection"},
	"DELETE /api/v1/collections/{id}/items":         {min: editor, path: "/api/v1/collections/{collection}/items?asset={asset}", target: "collection", phase: 1},
	"GET /api/v1/events":                            {min: viewer, path: "/api/v1/events"},

	"GET /api/v1/categories":                {min: viewer, path: "/api/v1/categories"},
	"POST /api/v1/categories":               {min: editor, path: "/api/v1/categories", body: `{"name":"new {n}"}`},
	"GET /api/v1/categories/{id}":           {min: viewer, path: "/api/v1/categories/{category}"},
	"PATCH /api/v1/categories/{id}":         {min: editor, path: "/api/v1/categories/{category}", body: `{"name":"People"}`, domainBound: true},
	"DELETE /api/v1/categories/{id}":        {min: editor, path: "/api/v1/categories/{category}", phase: 2, domainBound: true},
	"GET /api/v1/categories/{id}/assets":    {min: viewer, path: "/api/v1/categories/{category}/assets"},
	"POST /api/v1/categories/{id}/assets":   {min: editor, path: "/api/v1/categories/{category}/assets", body: `{"asset_ids":["{asset}"]}`, target: "asset"},
	"DELETE /api/v1/categories/{id}/assets": {min: editor, path: "/api/v1/categories/{category}/assets?asset={asset}", target: "asset", phase: 1},

	"POST /api/v1/downloads":                {min: viewer, path: "/api/v1/downloads", body: `{"asset_ids":["{asset}"],"async":true}`, target: "asset"},
	"GET /api/v1/downloads":                 {min: viewer, path: "/api/v1/downloads"},
	"GET /api/v1/downloads/{job}":           {min: editor, path: "/api/v1/downloads/{job}", target: "job"},
	"DELETE /api/v1/downloads/{job}":        {min: editor, path: "/api/v1/downloads/{job}", target: "job", phase: 2},
	"GET /api/v1/downloads/{job}/parts/{n}": {min: editor, path: "/api/v1/downloads/{job}/parts/1", target: "job"},
	"POST /api/v1/assets/{id}/crops":        {min: viewer, path: "/api/v1/assets/{asset}/crops?async=1", target: "asset"},

	"GET /api/v1/licences":                         {min: viewer, path: "/api/v1/licences"},
	"POST /api/v1/licences":                        {min: admin, path: "/api/v1/licences", body: `{"title":"New {n}","text":"Use it well."}`},
	"GET /api/v1/licences/{id}":                    {min: viewer, path: "/api/v1/licences/{licence}"},
	"PATCH /api/v1/licences/{id}":                  {min: admin, path: "/api/v1/licences/{licence}", body: `{"title":"Renamed"}`},
	"DELETE /api/v1/licences/{id}":                 {min: admin, path: "/api/v1/licences/{licence}", phase: 2},
	"GET /api/v1/licences/{id}/versions/{version}": {min: viewer, path: "/api/v1/licences/{licence}/versions/1"},
	"POST /api/v1/licences/{id}/accept":            {min: viewer, path: "/api/v1/licences/{licence}/accept", body: `{"version":1}`},
	"PUT /api/v1/folders/{id}/licence":             {min: owner, path: "/api/v1/folders/{folder}/licence", body: `{"licence":""}`, target: "folder"},
	"PUT /api/v1/assets/{id}/licence":              {min: owner, path: "/api/v1/assets/{asset}/licence", body: `{"licence":""}`, target: "asset"},
	"GET /api/v1/me/notification-preferences":      {min: viewer, path: "/api/v1/me/notification-preferences"},
	"PUT /api/v1/me/notification-preferences":      {min: viewer, path: "/api/v1/me/notification-preferences", body: `{"choices":{}}`},

	"POST /api/v1/portals":           {min: owner, path: "/api/v1/portals", body: `{"slug":"new-{n}","title":"New","asset_ids":["{asset}"]}`, target: "asset"},
	"GET /api/v1/portals":            {min: owner, path: "/api/v1/portals"},
	"GET /api/v1/portals/{id}":       {min: owner, path: "/api/v1/portals/{portal}", target: "portal"},
	"PUT /api/v1/portals/{id}":       {min: owner, path: "/api/v1/portals/{portal}", body: `{"slug":"press-kit","title":"Press","asset_ids":["{asset}"]}`, target: "portal"},
	"DELETE /api/v1/portals/{id}":    {min: owner, path: "/api/v1/portals/{portal}", target: "portal", phase: 2},
	"GET /api/v1/portals/{id}/usage": {min: owner, path: "/api/v1/portals/{portal}/usage", target: "portal"},

	"POST /api/v1/profiles":           {min: admin, path: "/api/v1/profiles", body: `{"name":"thumb-{n}","width":64,"format":"png"}`},
	"GET /api/v1/profiles":            {min: viewer, path: "/api/v1/profiles"},
	"GET /api/v1/profiles/{name}":     {min: viewer, path: "/api/v1/profiles/web"},
	"PUT /api/v1/profiles/{name}":     {min: admin, path: "/api/v1/profiles/web", body: `{"name":"web","width":128,"format":"png"}`},
	"DELETE /api/v1/profiles/{name}":  {min: admin, path: "/api/v1/profiles/web", phase: 2},
	"GET /api/v1/assets/{id}/preview": {min: viewer, path: "/api/v1/assets/{asset}/preview", target: "asset"},

	"GET /api/v1/settings":                {min: viewer, path: "/api/v1/settings"},
	"GET /api/v1/metadata-schema":         {min: viewer, path: "/api/v1/metadata-schema"},
	"PUT /api/v1/metadata-schema":         {min: admin, path: "/api/v1/metadata-schema", body: `{"version":0,"fields":[{"key":"client","label":"Client","type":"text"}]}`, phase: 1},
	"PUT /api/v1/settings":                {min: admin, path: "/api/v1/settings", body: `{"shares_enabled":true}`},
	"PUT /api/v1/assets/{id}/protection":  {min: owner, path: "/api/v1/assets/{asset}/protection", body: `{"protection":"inherit"}`, target: "asset"},
	"PUT /api/v1/folders/{id}/protection": {min: owner, path: "/api/v1/folders/{folder}/protection", body: `{"protection":"inherit"}`, target: "folder"},
	"GET /api/v1/assets/{id}/access":      {min: viewer, path: "/api/v1/assets/{asset}/access", target: "asset"},
	"POST /api/v1/requests":               {min: viewer, path: "/api/v1/requests", body: `{"asset_ids":["{protected}"],"reason":"for print"}`, target: "protected"},
	"GET /api/v1/requests":                {min: viewer, path: "/api/v1/requests"},
	"DELETE /api/v1/requests/{id}":        {min: viewer, path: "/api/v1/requests/{request}", target: "request", phase: 1},
	"POST /api/v1/requests/decisions":     {min: owner, path: "/api/v1/requests/decisions", body: `{"decisions":[{"request_id":"{request}","approve":false,"message":"no"}]}`, target: "request", batch: true},
	"GET /api/v1/grants":                  {min: viewer, path: "/api/v1/grants"},
	"DELETE /api/v1/grants/{id}":          {min: owner, path: "/api/v1/grants/{grant}", target: "grant", phase: 1},
	"GET /api/v1/inbox":                   {min: viewer, path: "/api/v1/inbox"},
	"POST /api/v1/inbox/read":             {min: viewer, path: "/api/v1/inbox/read", body: `{"ids":[]}`},

	"POST /api/v1/shares":                       {min: editor, path: "/api/v1/shares", body: `{"title":"Mine","asset_ids":["{asset}"],"days":7}`, target: "asset"},
	"GET /api/v1/shares":                        {min: viewer, path: "/api/v1/shares"},
	"GET /api/v1/shares/{id}":                   {min: editor, path: "/api/v1/shares/{share}", target: "share"},
	"PATCH /api/v1/shares/{id}":                 {min: editor, path: "/api/v1/shares/{share}", body: `{"title":"Renamed"}`, target: "share"},
	"DELETE /api/v1/shares/{id}":                {min: editor, path: "/api/v1/shares/{share}", target: "share", phase: 2},
	"POST /api/v1/shares/{id}/assets":           {min: editor, path: "/api/v1/shares/{share}/assets", body: `{"asset_ids":["{asset}"]}`, target: "share"},
	"DELETE /api/v1/shares/{id}/assets":         {min: editor, path: "/api/v1/shares/{share}/assets?asset={asset}", target: "share", phase: 1},
	"POST /api/v1/shares/{id}/guests":           {min: editor, path: "/api/v1/shares/{share}/guests", body: `{"guests":"someone-{n}@example.net"}`, target: "share"},
	"DELETE /api/v1/shares/{id}/guests/{guest}": {min: editor, path: "/api/v1/shares/{share}/guests/{guest}", target: "share", phase: 1},
	"PATCH /api/v1/shares/{id}/guests/{guest}":  {min: editor, path: "/api/v1/shares/{share}/guests/{guest}", body: `{"download_limit":5}`, target: "share"},
	"POST /api/v1/shares/{id}/expiry":           {min: editor, path: "/api/v1/shares/{share}/expiry", body: `{"days":14}`, target: "share"},
	"GET /api/v1/shares/{id}/usage":             {min: editor, path: "/api/v1/shares/{share}/usage", target: "share"},

	// A webhook is its creator's: admins reach it as they reach the user.
	"POST /api/v1/webhooks":                {min: owner, path: "/api/v1/webhooks", body: `{"url":"https://hooks.example.com/{n}","events":["asset.uploaded"]}`},
	"GET /api/v1/webhooks":                 {min: owner, path: "/api/v1/webhooks"},
	"GET /api/v1/webhooks/{id}":            {min: owner, path: "/api/v1/webhooks/{webhook}", target: "webhook", adminReach: true},
	"PATCH /api/v1/webhooks/{id}":          {min: owner, path: "/api/v1/webhooks/{webhook}", body: `{"description":"renamed"}`, target: "webhook", adminReach: true},
	"DELETE /api/v1/webhooks/{id}":         {min: owner, path: "/api/v1/webhooks/{webhook}", target: "webhook", adminReach: true, phase: 4},
	"GET /api/v1/webhooks/{id}/deliveries": {min: owner, path: "/api/v1/webhooks/{webhook}/deliveries", target: "webhook", adminReach: true},
	"POST /api/v1/webhooks/{id}/test":      {min: owner, path: "/api/v1/webhooks/{webhook}/test", target: "webhook", adminReach: true},
}

// authActor is one API key of the fixture.
type authActor struct {
	name   string // e.g. "owner of b"
	level  level
	domain string
	key    string
}

// authFixture is a library with objects of domain default and users of
// every role in default and in b.
type authFixture struct {
	t       *testing.T
	url     string
	srv     *damhttp.Server
	actors  []authActor
	objects map[string]string // placeholder -> ID
	secrets []string          // what no user of b may read: default's IDs, names and addresses
	people  []string          // default's users' IDs and addresses (admins see them)
	n       int
}

func tinyPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = lib.Close() })
	f := &authFixture{t: t, objects: map[string]string{}}
	adminUser, adminKey, err := lib.CreateUser(ctx, dam.NewUser{Email: "admin-d@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	adminCtx := dam.WithActor(ctx, adminUser.Actor())
	f.actors = append(f.actors, authActor{"admin of default", admin, dam.DefaultDomain, adminKey})
	ctxOf := map[string]context.Context{}
	for _, u := range []struct {
		name   string
		lvl    level
		domain string
	}{
		{"owner", owner, dam.DefaultDomain}, {"editor", editor, dam.DefaultDomain}, {"viewer", viewer, dam.DefaultDomain},
		{"admin", admin, "b"}, {"owner", owner, "b"}, {"editor", editor, "b"}, {"viewer", viewer, "b"},
	} {
		role := map[level]dam.Role{viewer: dam.RoleViewer, editor: dam.RoleEditor, owner: dam.RoleOwner, admin: dam.RoleOwner}[u.lvl]
		email := fmt.Sprintf("%s-%s@example.com", u.name, u.domain)
		nu, key, err := lib.CreateUser(adminCtx, dam.NewUser{Email: email, Role: role, Domains: []string{u.domain}, Admin: u.lvl == admin})
		require.NoError(t, err)
		f.actors = append(f.actors, authActor{u.name + " of " + u.domain, u.lvl, u.domain, key})
		ctxOf[u.name+" "+u.domain] = dam.WithActor(ctx, nu.Actor())
		if u.domain == dam.DefaultDomain {
			f.people = append(f.people, email)
		}
	}
	// Library-wide objects (settings, licences, categories) name who changed
	// them by user ID: that is not a leak, an address would be.
	f.people = append(f.people, adminUser.Email)
	editorD, viewerD, ownerD := ctxOf["editor default"], ctxOf["viewer default"], ctxOf["owner default"]

	s, err := lib.Settings(adminCtx)
	require.NoError(t, err)
	s.SharesEnabled = true
	_, err = lib.UpdateSettings(adminCtx, s)
	require.NoError(t, err)

	folder, err := lib.CreateFolder(editorD, "secret-folder", "", "")
	require.NoError(t, err)
	upload := func(name string) dam.Asset {
		a, err := lib.Upload(editorD, bytes.NewReader(tinyPNG(t)), dam.UploadOptions{Name: name, FolderID: folder.ID})
		require.NoError(t, err)
		return a
	}
	a := upload("secret-a.png")
	_, err = lib.AddVersion(editorD, a.ID, bytes.NewReader(append(tinyPNG(t), 0)), dam.NewVersionOptions{Name: "secret-a2.png"})
	require.NoError(t, err)
	granted, pending, trashed := upload("secret-granted.png"), upload("secret-pending.png"), upload("secret-trashed.png")
	spare := upload("secret-spare.png")
	require.NoError(t, lib.Delete(editorD, trashed.ID))
	for _, id := range []string{granted.ID, pending.ID} {
		_, err = lib.SetAssetProtection(ownerD, id, dam.Protected)
		require.NoError(t, err)
	}
	col, err := lib.CreateCollection(editorD, "secret-collection", "")
	require.NoError(t, err)
	_, err = lib.AddToCollection(editorD, col.ID, []dam.CollectionItem{{AssetID: a.ID}})
	require.NoError(t, err)
	sh, err := lib.CreateShare(editorD, dam.NewShare{Title: "secret-share", AssetIDs: []string{a.ID}, Days: 7, Guests: "guest-secret@example.com"})
	require.NoError(t, err)
	portal, err := lib.CreatePortal(ownerD, dam.NewPortal{Slug: "press-kit", Title: "secret-portal", AssetIDs: []string{a.ID}})
	require.NoError(t, err)
	job, err := lib.CreateDownload(editorD, dam.DownloadRequest{AssetIDs: []string{a.ID}, Async: true})
	require.NoError(t, err)
	_, err = lib.ProcessJobs(ctx)
	require.NoError(t, err)
	res, err := lib.RequestDownload(viewerD, dam.NewRequest{AssetIDs: []string{granted.ID}, Reason: "secret-reason"})
	require.NoError(t, err)
	ds, err := lib.Decide(ownerD, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
	require.NoError(t, err)
	require.NotNil(t, ds[0].Grant)
	res2, err := lib.RequestDownload(viewerD, dam.NewRequest{AssetIDs: []string{pending.ID}, Reason: "secret-reason"})
	require.NoError(t, err)
	cat, err := lib.CreateCategory(editorD, "Places", "")
	require.NoError(t, err)
	_, err = lib.AddToCategory(editorD, cat.ID, []string{a.ID})
	require.NoError(t, err)
	member, _, err := lib.CreateUser(adminCtx, dam.NewUser{Email: "member-secret@example.com", Role: dam.RoleEditor})
	require.NoError(t, err)
	f.people = append(f.people, member.Email)
	key, _, err := lib.CreateAPIKey(adminCtx, member.ID, "secret-laptop")
	require.NoError(t, err)
	lic, err := lib.CreateLicence(adminCtx, "Editorial", "Editorial use only.")
	require.NoError(t, err)
	_, err = lib.CreateProfile(adminCtx, dam.Profile{Name: "web", Width: 256, Format: "png"})
	require.NoError(t, err)
	_, err = lib.CreateProfile(adminCtx, dam.Profile{Name: "square", Width: 32, Height: 32, Fit: "smart", Format: "png", SmartCrop: true})
	require.NoError(t, err)

	hook, err := lib.CreateWebhook(ownerD, dam.NewWebhook{URL: "https://secret-hooks.example.com/in", Events: []dam.WebhookEvent{dam.HookAssetUploaded}})
	require.NoError(t, err)

	f.objects = map[string]string{
		"folder": folder.ID, "asset": a.ID, "spare": spare.ID, "protected": pending.ID, "trash": trashed.ID, "collection": col.ID,
		"share": sh.ID, "guest": sh.ActiveGuests[0].ID, "portal": portal.ID, "job": job.ID,
		"request": res2.Requests[0].ID, "member": member.ID, "key": key.ID, "grant": ds[0].Grant.ID, "category": cat.ID, "licence": lic.ID, "webhook": hook.ID,
	}
	for k, id := range f.objects {
		if k != "category" && k != "licence" && k != "member" && k != "key" {
			f.secrets = append(f.secrets, id)
		}
	}
	f.secrets = append(f.secrets, granted.ID, res.Requests[0].ID, "secret-", "guest-secret@example.com")
	f.srv = damhttp.New(lib, nil)
	hs := httptest.NewServer(checkedByOpenAPI(t, f.srv))
	t.Cleanup(hs.Close)
	f.url = hs.URL
	return f
}

// answer is what a request got: status and body.
type answer struct {
	status int
	body   string
}

func (f *authFixture) call(a authActor, method string, c authCase, objects map[string]string) answer {
	f.t.Helper()
	f.n++
	fill := func(s string) string {
		for k, v := range objects {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return strings.ReplaceAll(s, "{n}", fmt.Sprint(f.n))
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(fill(c.body))
	}
	req, err := http.NewRequestWithContext(f.t.Context(), method, f.url+fill(c.path), body)
	require.NoError(f.t, err)
	req.Header.Set("Authorization", "Bearer "+a.key)
	if strings.HasPrefix(c.body, "{") {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return answer{resp.StatusCode, string(b)}
}

func ok(status int) bool { return status >= 200 && status < 300 }

func TestAuthorizationTable(t *testing.T) {
	f := newAuthFixture(t)
	routes := damhttp.RouteTable(f.srv)
	var keys []string
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		keys = append(keys, key)
		if !rt.Auth {
			_, found := publicRoutes[key]
			assert.True(t, found, "route %s takes no API key and is not in publicRoutes (authz_test.go): say why it needs none", key)
			continue
		}
		_, found := authCases[key]
		assert.True(t, found, "route %s is not in the authorization table (authz_test.go): add it", key)
	}
	for key := range authCases {
		assert.Contains(t, keys, key, "the authorization table names a route the server no longer has")
	}
	if t.Failed() {
		return
	}

	absent := map[string]string{}
	for k, v := range f.objects {
		absent[k] = v
	}
	requests := 0
	// By phase, so that a refusal that fails to refuse a deletion does not
	// hide the cases after it.
	slices.Sort(keys)
	sort.SliceStable(keys, func(i, j int) bool { return authCases[keys[i]].phase < authCases[keys[j]].phase })
	for _, key := range keys {
		if _, found := authCases[key]; !found {
			continue
		}
		c := authCases[key]
		method, _, _ := strings.Cut(key, " ")
		t.Run(key, func(t *testing.T) {
			for _, a := range f.actors {
				same := a.domain == dam.DefaultDomain
				switch {
				case !same && c.adminReach && a.level == admin:
					// An admin of b manages default's users: allowed.
				case same && a.level < c.min:
					got := f.call(a, method, c, f.objects)
					requests++
					assert.False(t, ok(got.status), "%s (below %s) got %d: %s", a.name, c.min, got.status, got.body)
				case !same && c.target != "":
					other := f.call(a, method, c, f.objects)
					missing := dam.NewID(time.Now())
					absent[c.target] = missing
					none := f.call(a, method, c, absent)
					absent[c.target] = f.objects[c.target]
					requests += 2
					if !c.batch {
						assert.False(t, ok(other.status), "%s acted on default's %s: %d %s", a.name, c.target, other.status, other.body)
					}
					assert.Equal(t, none.status, other.status, "%s: another domain's %s answers unlike an absent one", a.name, c.target)
					assert.Equal(t, strings.ReplaceAll(none.body, missing, "<id>"), strings.ReplaceAll(other.body, f.objects[c.target], "<id>"),
						"%s: another domain's %s answers unlike an absent one", a.name, c.target)
				case !same && a.level < c.min:
					got := f.call(a, method, c, f.objects)
					requests++
					assert.False(t, ok(got.status), "%s (below %s) got %d: %s", a.name, c.min, got.status, got.body)
				case !same && c.domainBound && a.level != admin:
					got := f.call(a, method, c, f.objects)
					requests++
					assert.False(t, ok(got.status), "%s acted in domain default: %d %s", a.name, got.status, got.body)
				case !same && c.phase > 0:
					// Allowed to change what belongs to no domain (an admin
					// deleting a licence): it would only break the fixture.
				case !same:
					got := f.call(a, method, c, f.objects)
					requests++
					secrets := f.secrets
					if a.level != admin {
						secrets = append(slices.Clone(secrets), f.people...)
					}
					for _, s := range secrets {
						assert.NotContains(t, got.body, s, "%s reads default's objects", a.name)
					}
				}
			}
		})
	}

	// The lowest allowed role of default succeeds, deletions last, so that
	// no refusal above came from a malformed request.
	for _, key := range keys {
		c, found := authCases[key]
		if !found {
			continue
		}
		method, _, _ := strings.Cut(key, " ")
		who := c.allowed
		if who == "" {
			who = c.min.String()
		}
		i := slices.IndexFunc(f.actors, func(a authActor) bool {
			return a.domain == dam.DefaultDomain && strings.HasPrefix(a.name, who+" ")
		})
		require.GreaterOrEqual(t, i, 0, who)
		got := f.call(f.actors[i], method, c, f.objects)
		requests++
		if c.okStatus != 0 {
			assert.Equal(t, c.okStatus, got.status, "%s as %s: %s", key, who, got.body)
		} else {
			assert.True(t, ok(got.status), "%s as %s got %d: %s", key, who, got.status, got.body)
		}
	}
	t.Logf("%d routes, %d actors, %d requests", len(authCases), len(f.actors), requests)
}
