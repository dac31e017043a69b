package sqlstore

import (
	"strings"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
)

// Every sort of a folder or domain page walks an index in the page's order
// from the cursor: no sort step, whatever the size of the folder.
func TestQueryPlanSortedPages(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	cursors := map[string]dam.AssetCursor{
		"name": {Name: "m", ID: "x"}, "size": {Size: 10, ID: "x"}, "": {ID: "x"},
	}
	for _, tc := range []struct {
		scope, where string
		args         []any
		index        map[string]string
	}{
		{"folder", "a.folder_id = ? AND +a.domain = ?", []any{"f", "d"}, map[string]string{
			"name": "assets_folder_name (folder_id=? AND (name_key,id)", "size": "assets_folder_size (folder_id=? AND (current_size,id)",
			"": "assets_folder (folder_id=? AND id"}},
		{"domain", "a.domain = ?", []any{"d"}, map[string]string{
			"name": "assets_live_domain_name (domain=? AND (name_key,id)", "size": "assets_live_domain_size (domain=? AND (current_size,id)",
			"": "assets_live_domain (domain=? AND id"}},
	} {
		for _, sort := range dam.AssetSorts {
			t.Run(tc.scope+"/"+sort, func(t *testing.T) {
				o := sortOrder(sort)
				field, _ := dam.SortField(sort)
				after, cargs := o.after(cursors[field])
				args := append(append([]any{}, tc.args...), cargs...)
				plan := strings.Join(queryPlan(t, s, assetsFrom("(SELECT * FROM assets a WHERE a.deleted_at IS NULL AND "+
					tc.where+" AND "+after+" ORDER BY "+o.by+" LIMIT ?) a")+" ORDER BY "+o.by, append(args, 101)...), "\n")
				assert.Contains(t, plan, "USING INDEX "+tc.index[field], plan)
				assert.LessOrEqual(t, strings.Count(plan, "TEMP B-TREE"), 1, "at most one sort step, of the page of 101 rows:\n%s", plan)
			})
		}
	}
}
