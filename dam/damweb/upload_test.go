package damweb

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// filePart is one file of a multipart post.
type filePart struct {
	name string
	data []byte
}

// postFiles posts fields (first, as browsers do) then files as
// multipart/form-data, asking for JSON when asJSON is set.
func (b *browser) postFiles(path string, fields url.Values, files []filePart, asJSON bool) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range fields {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		for _, v := range fields[k] {
			require.NoError(b.t, mw.WriteField(k, v))
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f.name)
		require.NoError(b.t, err)
		_, err = w.Write(f.data)
		require.NoError(b.t, err)
	}
	require.NoError(b.t, mw.Close())
	req, err := http.NewRequest("POST", b.base+path, &body)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(out)
}

func TestUploadPage(t *testing.T) {
	s := newSite(t, nil)
	cat, err := s.lib.CreateCategory(s.owner, "Press", "")
	require.NoError(t, err)
	ed := s.signIn(t, "editor")
	resp, body := ed.get("/upload?folder=" + s.private.ID + "&from=" + url.QueryEscape("http://x/assets/"+s.photo.ID+"?v=1"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `enctype="multipart/form-data"`)
	assert.Contains(t, body, `<option value="`+s.private.ID+`" selected>Embargo</option>`, "the folder of the link is chosen")
	assert.Contains(t, body, `value="`+cat.ID+`"`)
	assert.Contains(t, body, `value="`+s.photo.ID+`"`, "the asset to copy from is read from a pasted address")
	assert.Contains(t, body, "Copying from “sunrise.png”")
	assert.Contains(t, body, "webkitdirectory", "a whole folder can be chosen")
	assert.Contains(t, body, "upload.js")

	resp, _ = ed.get("/upload?folder=01zzzzzzzzzzzzzzzzzzzzzzzz")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	v := s.signIn(t, "viewer")
	resp, body = v.get("/upload")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Editors and owners upload files")
	assert.NotContains(t, body, `id="upload-form"`)

	_, body = ed.get("/assets/" + s.secret.ID)
	assert.Contains(t, body, `href="/upload?from=`+s.secret.ID+`&amp;folder=`+s.private.ID+`"`, "the asset page offers its metadata for new files")

	_, body = ed.get("/?folder=" + s.private.ID)
	assert.Contains(t, body, `data-upload="/upload?folder=`+s.private.ID+`"`, "the library page is a drop target for editors")
	_, body = v.get("/")
	assert.NotContains(t, body, `id="drop-target"`)
}

// TestUploadManyFilesWithoutJS posts three files in one form, as a browser
// without JavaScript does: each is listed, uploaded with a link or refused
// in plain words, and the folder, categories and copied metadata apply.
func TestUploadManyFilesWithoutJS(t *testing.T) {
	s := newSite(t, nil)
	cat, err := s.lib.CreateCategory(s.owner, "Press", "")
	require.NoError(t, err)
	_, err = s.lib.EditAsset(s.owner, s.photo.ID, dam.AssetPatch{Title: ptr("Morning light"), Keywords: ptr([]string{"sun"})})
	require.NoError(t, err)
	ed := s.signIn(t, "editor")
	fields := url.Values{"folder": {s.private.ID}, "category": {cat.ID}, "copy_from": {s.srv.URL + "/assets/" + s.photo.ID}}
	resp, body := ed.postFiles("/upload", fields, []filePart{
		{"one.png", testimage.PNG(testimage.Gradient(20, 20, 2))},
		{"empty.txt", nil},
		{"two.txt", []byte("second file")},
	}, false)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "2 uploaded, 1 refused")
	assert.Contains(t, body, "<strong>empty.txt</strong>: <span class=\"refused\">empty upload</span>")
	links := regexp.MustCompile(`<a href="/assets/([0-9a-z]+)">(one\.png|two\.txt)</a>`).FindAllStringSubmatch(body, -1)
	require.Len(t, links, 2, "each uploaded file links to its asset")
	for _, l := range links {
		a, err := s.lib.Asset(s.owner, l[1])
		require.NoError(t, err)
		assert.Equal(t, l[2], a.Name)
		assert.Equal(t, s.private.ID, a.FolderID)
		assert.Equal(t, "Morning light", a.Meta.Title, "metadata copied on the way in")
		assert.Equal(t, []string{"sun"}, a.Meta.Keywords)
		assert.Equal(t, []string{cat.ID}, a.Categories)
	}
	assert.Contains(t, body, `href="/?folder=`+s.private.ID+`"`, "a way back to the folder")
}

// TestUploadFolder: the files of a folder chosen with webkitdirectory come
// with their relative paths, and land in the same subfolders here, made
// when missing; a path that climbs out is refused.
func TestUploadFolder(t *testing.T) {
	s := newSite(t, nil)
	ed := s.signIn(t, "editor")
	resp, body := ed.postFiles("/upload", url.Values{"folder": {s.private.ID}}, []filePart{
		{"Shoot/Day 1/a.txt", []byte("a")},
		{"Shoot/Day 1/b.txt", []byte("b")},
		{"Shoot/./c.txt", []byte("c")},
		{"Shoot/../../d.txt", []byte("d")},
	}, true)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var ans uploadAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &ans))
	require.Len(t, ans.Files, 4)
	assert.Equal(t, "Shoot/Day 1/a.txt", ans.Files[0].Name)
	assert.Equal(t, "Shoot/c.txt", ans.Files[2].Name)
	assert.Equal(t, "invalid", ans.Files[3].Code)
	assert.Contains(t, ans.Files[3].Message, `folder name ".." is not allowed`)
	folders, err := s.lib.Folders(s.owner)
	require.NoError(t, err)
	byName := map[string]dam.Folder{}
	for _, f := range folders {
		byName[f.Name] = f
	}
	require.Contains(t, byName, "Shoot")
	require.Contains(t, byName, "Day 1")
	assert.Equal(t, s.private.ID, byName["Shoot"].ParentID)
	assert.Equal(t, byName["Shoot"].ID, byName["Day 1"].ParentID)
	assert.Len(t, folders, 3, "each folder made once")
	for i, want := range []string{byName["Day 1"].ID, byName["Day 1"].ID, byName["Shoot"].ID} {
		a, err := s.lib.Asset(s.owner, ans.Files[i].ID)
		require.NoError(t, err)
		assert.Equal(t, want, a.FolderID, ans.Files[i].Name)
	}
}

// TestUploadStreamsEachFile: one file over the library's size limit is
// refused and the next file of the same post still goes in, so files are
// read part by part rather than as one body.
func TestUploadStreamsEachFile(t *testing.T) {
	s := newSite(t, &dam.Options{MaxUploadSize: 1 << 20})
	ed := s.signIn(t, "editor")
	resp, body := ed.postFiles("/upload", nil, []filePart{
		{"big.bin", bytes.Repeat([]byte("x"), 3<<20)},
		{"small.txt", []byte("fits")},
	}, true)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var ans uploadAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &ans))
	require.Len(t, ans.Files, 2)
	assert.Equal(t, uploadResult{Name: "big.bin", Code: "too_large", Message: "upload exceeds the limit of 1048576 bytes"}, ans.Files[0])
	assert.Equal(t, "small.txt", ans.Files[1].Name)
	require.NotEmpty(t, ans.Files[1].ID)
	assert.Equal(t, "/assets/"+ans.Files[1].ID, ans.Files[1].URL)
	assert.Equal(t, 1, ans.Uploaded)
	assert.Equal(t, 1, ans.Refused)
	as, _, err := s.lib.Assets(s.owner, dam.AssetQuery{Text: "big"})
	require.NoError(t, err)
	assert.Empty(t, as, "nothing of the refused file is kept")
}

func TestUploadRefusals(t *testing.T) {
	s := newSite(t, nil)
	ed := s.signIn(t, "editor")
	v := s.signIn(t, "viewer")
	one := []filePart{{"a.txt", []byte("a")}}
	for _, tc := range []struct {
		name   string
		b      *browser
		fields url.Values
		files  []filePart
		status int
		want   string
	}{
		{"viewer", v, nil, one, 200, "only owners and editors upload"},
		{"folder out of reach", ed, url.Values{"folder": {"01zzzzzzzzzzzzzzzzzzzzzzzz"}}, one, 200, "not found"},
		{"copy from nothing", ed, url.Values{"copy_from": {"/assets/" + s.other.ID}}, one, 200, "not found"},
		{"no file", ed, url.Values{"folder": {""}}, nil, 400, "choose at least one file"},
		{"field too long", ed, url.Values{"folder": {strings.Repeat("x", 70<<10)}}, one, 400, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.b.postFiles("/upload", tc.fields, tc.files, true)
			require.Equal(t, tc.status, resp.StatusCode, body)
			assert.Contains(t, body, tc.want)
			assert.NotContains(t, body, `"id"`, "nothing uploaded")
		})
	}
	resp, body := ed.post("/upload", url.Values{"file": {"x"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "multipart/form-data")
	as, _, err := s.lib.Assets(s.owner, dam.AssetQuery{Text: "a.txt"})
	require.NoError(t, err)
	assert.Empty(t, as)
}

func TestAssetRef(t *testing.T) {
	for in, want := range map[string]string{
		"01abc":                              "01abc",
		"  01abc ":                           "01abc",
		"/assets/01abc":                      "01abc",
		"https://dam.example/assets/01abc?x": "01abc",
		"http://h/assets/01abc/download":     "01abc",
		"http://h/assets/01abc#notes":        "01abc",
		"":                                   "",
	} {
		assert.Equal(t, want, assetRef(in), in)
	}
}
