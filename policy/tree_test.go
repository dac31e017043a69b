package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/policy"
)

func TestNewTreeRejectsBadRows(t *testing.T) {
	tests := []struct {
		name string
		rows []policy.Folder
		want error
	}{
		{"empty ID", []policy.Folder{{ID: ""}}, policy.ErrInvalidFolder},
		{"duplicate", []policy.Folder{{ID: "a"}, {ID: "a"}}, policy.ErrDuplicateFolder},
		{"unknown parent", []policy.Folder{{ID: "a", ParentID: "b"}}, policy.ErrUnknownParent},
		{"self parent", []policy.Folder{{ID: "a", ParentID: "a"}}, policy.ErrCycle},
		{"cycle", []policy.Folder{{ID: "r"}, {ID: "a", ParentID: "c"}, {ID: "b", ParentID: "a"}, {ID: "c", ParentID: "b"}}, policy.ErrCycle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := policy.NewTree(tt.rows)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, tree)
		})
	}
}

func TestTreeResolve(t *testing.T) {
	tree, err := policy.NewTree([]policy.Folder{
		{ID: "leaf", ParentID: "mid"},
		{ID: "mid", ParentID: "top", Protection: policy.Unprotected},
		{ID: "top", Protection: policy.Protected},
		{ID: "loose"},
		{ID: "under-top", ParentID: "top"},
	})
	require.NoError(t, err)
	tests := []struct {
		id    string
		want  policy.Setting
		setBy string
		ok    bool
	}{
		{"leaf", policy.Unprotected, "mid", true},
		{"mid", policy.Unprotected, "mid", true},
		{"top", policy.Protected, "top", true},
		{"under-top", policy.Protected, "top", true},
		{"loose", policy.Inherit, "", true},
		{"nope", policy.Inherit, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			s, by, ok := tree.Resolve(tt.id)
			assert.Equal(t, tt.want, s)
			assert.Equal(t, tt.setBy, by)
			assert.Equal(t, tt.ok, ok)
		})
	}
	assert.ElementsMatch(t, []string{"leaf", "mid", "top", "loose", "under-top"}, ids(tree.Folders()))
}

func TestTreeUpdate(t *testing.T) {
	base, err := policy.NewTree([]policy.Folder{
		{ID: "top", Protection: policy.Protected},
		{ID: "mid", ParentID: "top"},
		{ID: "leaf", ParentID: "mid"},
		{ID: "other", Protection: policy.Unprotected},
	})
	require.NoError(t, err)
	tests := []struct {
		name    string
		change  policy.Folder
		leaf    policy.Setting
		leafBy  string
		wantErr error
	}{
		{"unprotect top", policy.Folder{ID: "top", Protection: policy.Unprotected}, policy.Unprotected, "top", nil},
		{"inherit top", policy.Folder{ID: "top"}, policy.Inherit, "", nil},
		{"protect mid", policy.Folder{ID: "mid", ParentID: "top", Protection: policy.Unprotected}, policy.Unprotected, "mid", nil},
		{"move mid", policy.Folder{ID: "mid", ParentID: "other"}, policy.Unprotected, "other", nil},
		{"move to root", policy.Folder{ID: "mid"}, policy.Inherit, "", nil},
		{"add", policy.Folder{ID: "new", ParentID: "leaf"}, policy.Protected, "top", nil},
		{"cycle", policy.Folder{ID: "top", ParentID: "leaf"}, 0, "", policy.ErrCycle},
		{"unknown parent", policy.Folder{ID: "mid", ParentID: "gone"}, 0, "", policy.ErrUnknownParent},
		{"add with unknown parent", policy.Folder{ID: "new", ParentID: "gone"}, 0, "", policy.ErrUnknownParent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, err := base.Update(tt.change)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			s, by, ok := next.Resolve("leaf")
			require.True(t, ok)
			assert.Equal(t, tt.leaf, s)
			assert.Equal(t, tt.leafBy, by)
			// The base tree does not change.
			s, by, _ = base.Resolve("leaf")
			assert.Equal(t, policy.Protected, s)
			assert.Equal(t, "top", by)
		})
	}
}

func TestNilTree(t *testing.T) {
	var tree *policy.Tree
	assert.Zero(t, tree.Len())
	_, _, ok := tree.Resolve("x")
	assert.False(t, ok)
	assert.Empty(t, tree.Folders())
	next, err := tree.Update(policy.Folder{ID: "x", Protection: policy.Protected})
	require.NoError(t, err)
	s, by, ok := next.Resolve("x")
	assert.True(t, ok)
	assert.Equal(t, policy.Protected, s)
	assert.Equal(t, "x", by)
}

func ids(fs []policy.Folder) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}
