package sqlstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A SQLite relevance window scores the same from the index (column
// filters) as from its documents, for every kind of term: words, short
// and long prefixes (spelled out or left to FTS5), phrases, field:value,
// excluded terms, several terms, in every column (notes, folder and
// category paths, custom fields included); and relevance pages are the
// same whichever scoring each window takes.
func TestWindowScoring(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	words := benchWords(t)
	var folders []string
	for _, name := range []string{"Press kit", "Kingfisher river"} {
		f := dam.Folder{ID: dam.NewID(time.Now()), Name: name, Domain: dam.DefaultDomain}
		require.NoError(t, s.CreateFolder(ctx, f))
		folders = append(folders, f.ID)
	}
	fillSearchable(ctx, t, s, words, folders, 1500)
	cat := dam.Category{ID: dam.NewID(time.Now()), Name: "Listening posts"}
	require.NoError(t, s.CreateCategory(ctx, cat, dam.CategoryLimits{}))
	at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 60 {
		at = at.Add(time.Second)
		a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("river list %d.jpg", i), Domain: dam.DefaultDomain,
			FolderID: folders[i%2], Kind: dam.MediaImage, CreatedAt: at, UpdatedAt: at,
			Meta: dam.Metadata{Title: []string{"the kingfisher", "Café list", "listing the river", ""}[i%4],
				Description: []string{"a kingfisher by the river", "with the list", "", "café crème"}[i%4],
				Keywords:    [][]string{{"kingfisher", "list"}, {"river"}, nil, {"listen", "the"}}[i%4],
				Fields:      map[string]string{"creator": []string{"Jane Doe", "John River", "Jane Kingfisher"}[i%3]}},
			Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
		if i%5 == 0 {
			a.Categories = []string{cat.ID}
		}
		require.NoError(t, s.CreateAsset(ctx, a))
		if i%3 == 0 {
			require.NoError(t, s.AddNote(ctx, dam.Note{ID: dam.NewID(at), AssetID: a.ID, AuthorID: "u",
				Text: "listed by the kingfisher team", CreatedAt: at}))
		}
	}
	queries := []string{
		words[0], words[5], words[60], `"` + words[60] + `"`, words[2500], words[5] + " " + words[60],
		"kingfisher", "kingfish", "ki", "list", "lis", "listen", `"the river"`, `"the kingfisher" river`,
		"cafe", "creator:jane", `creator:"jane doe"`, "river -kingfisher", "the -list river", "press",
		"listening", "team", words[0] + " " + words[1] + " " + words[2],
	}
	// Queries whose words are in several columns of different weights.
	varied := map[string]bool{words[0]: true, words[60]: true, "kingfisher": true, "list": true, "lis": true,
		`"the kingfisher" river`: true, words[0] + " " + words[1] + " " + words[2]: true}
	r := s.read()
	where, args := s.listingWhere(dam.AssetQuery{Domains: []string{dam.DefaultDomain}})
	for _, text := range queries {
		search, err := dam.ParseSearch(text)
		require.NoError(t, err)
		ts, err := s.spelled(ctx, r, search)
		require.NoError(t, err)
		all := map[string][]match{}
		for _, how := range []string{scoreContent, scoreColumns, ""} {
			s.scoring = how
			ms, err := s.matches(ctx, r, ts, matchConds{where: where, args: args}, "", "", 0, true)
			require.NoError(t, err)
			all[how] = ms
			// A window of the newest few, its range narrower than the
			// library's.
			part, err := s.matches(ctx, r, ts, matchConds{where: where, args: args}, "", "", 7, true)
			require.NoError(t, err)
			require.Equal(t, all[how][:len(part)], part, "%q scored by %q: the newest 7 alone", text, how)
		}
		s.scoring = ""
		require.NotEmpty(t, all[scoreContent], "%q matches nothing", text)
		assert.Equal(t, all[scoreContent], all[scoreColumns], "%q", text)
		assert.Equal(t, all[scoreContent], all[""], "%q", text)
		scores := map[int64]bool{}
		for _, m := range all[scoreContent] {
			require.Positive(t, m.score, "%q: a match scores at least one column", text)
			scores[m.score] = true
		}
		if varied[text] {
			assert.Greater(t, len(scores), 1, "%q: the scores tell matches apart", text)
		}
	}

	// Relevance pages, each window scored either way, and ranked before
	// the listing's conditions or after (a window that holds every match,
	// rankEvery), are the same; with a window smaller than the matches,
	// and larger.
	for i := range 7 { // some in the trash
		as, _, err := s.Assets(ctx, dam.AssetQuery{Domains: []string{dam.DefaultDomain}, Text: "kingfisher", Limit: 7})
		require.NoError(t, err)
		require.NoError(t, s.TrashAsset(ctx, as[i].ID, "u", at))
	}
	image := dam.MediaImage
	for _, window := range []int{40, 5000} {
		s.rankWindow = window
		texts := []string{"kingfisher", "list", "the river", words[60], words[0], words[2500]}
		if raceEnabled { // the most matches, a prefix, a phrase: half the pages
			texts = []string{"kingfisher", "list", words[0]}
		}
		for _, text := range texts {
			for _, base := range []dam.AssetQuery{{}, {FolderID: &folders[1]}, {Kind: image}, {Deleted: true}} {
				var pages [][]string
				for _, how := range []string{scoreContent, scoreColumns, "", "eager"} {
					s.scoring, s.eagerWindow = how, how == "eager"
					if how == "eager" {
						s.scoring = ""
					}
					q := base
					q.Domains, q.Text, q.Sort, q.Limit = []string{dam.DefaultDomain}, text, dam.SortRelevance, 40
					pages = append(pages, listIDs(t, s, q))
				}
				s.scoring, s.eagerWindow = "", false
				name := fmt.Sprintf("%q window %d %+v", text, window, base)
				if !base.Deleted || text == "kingfisher" {
					require.NotEmpty(t, pages[0], name)
				}
				assert.Equal(t, pages[0], pages[1], name)
				assert.Equal(t, pages[0], pages[2], name)
				assert.Equal(t, pages[0], pages[3], name)
			}
		}
	}
}

// windowScoring reads a window's terms from the index when they are about
// as rare in its range as the window's matches, and its documents when a
// term is far more common there.
func TestWindowScoringChoice(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	searchPlanLibrary(t, s) // "the river" in 160, "kingfisher" in every eleventh
	r := s.read()
	for _, tc := range []struct {
		text    string
		lo, hi  int64
		members int
		want    string
	}{
		{"the", 1, 160, 160, scoreColumns},           // every document of the range, counted
		{"river", 1, 160, 160, scoreColumns},         // the word table
		{"kingfisher", 1, 160, 15, scoreColumns},     // a rare word: its own matches
		{"the kingfisher", 1, 160, 15, scoreContent}, // "the" in every document, the window in one of eleven
		{"river kingfisher", 1, 160, 15, scoreContent},
		{"river kingfisher", 100, 160, 6, scoreContent},
		{"kingfisher", 100, 160, 6, scoreColumns},
	} {
		search, err := dam.ParseSearch(tc.text)
		require.NoError(t, err)
		ts, err := s.spelled(ctx, r, search)
		require.NoError(t, err)
		how, err := s.windowScoring(ctx, r, ts, tc.lo, tc.hi, tc.members)
		require.NoError(t, err)
		assert.Equal(t, tc.want, how, "%q, documents %d-%d, %d members", tc.text, tc.lo, tc.hi, tc.members)
	}
}

// A window that held every match at the first page (ranked before the
// listing's conditions) and holds more than RankWindow matches at the
// next (read with the conditions) lists each asset once.
func TestRankEveryThenMore(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	s.rankWindow = 6
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(name string) string {
		at = at.Add(time.Second)
		a := dam.Asset{ID: dam.NewID(at), Name: name, Domain: "d", Meta: dam.Metadata{Title: "otter"},
			CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
		require.NoError(t, s.CreateAsset(ctx, a))
		return a.ID
	}
	var before []string
	for i := range 5 {
		before = append(before, mk(fmt.Sprintf("otter %d.jpg", i%2))) // two scores
	}
	q := dam.AssetQuery{Domains: []string{"d"}, Text: "otter", Sort: dam.SortRelevance, Limit: 2}
	seen := map[string]int{}
	for page := 0; page < 100; page++ {
		as, next, err := s.Assets(ctx, q)
		require.NoError(t, err)
		for _, a := range as {
			seen[a.ID]++
		}
		if page == 0 {
			for range 4 { // 9 matches: more than the window from now on
				mk("lake.jpg")
			}
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	for _, id := range before {
		assert.Equal(t, 1, seen[id], id)
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
}
