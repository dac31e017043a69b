package policy_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/policy"
)

func TestEveryRuleDecidesItsExample(t *testing.T) {
	for _, r := range policy.Rules() {
		t.Run(string(r.ID)+"-"+r.Name, func(t *testing.T) {
			d := policy.Decide(r.Example)
			assert.Equal(t, r.ID, d.Rule, "example decided by %s %s", d.Rule, d.RuleName())
			assert.Equal(t, r.Name, d.RuleName())
			assert.Equal(t, r.Effect == policy.Allow, d.Allowed)
			assert.Equal(t, r.Reason, d.Reason)
			assert.NotEmpty(t, r.Doc)
			assert.NotContains(t, r.Condition(), "unknown")
		})
	}
}

func TestRuleTableIsWellFormed(t *testing.T) {
	rules := policy.Rules()
	require.NotEmpty(t, rules)
	ids := map[policy.RuleID]bool{}
	names := map[string]bool{}
	for _, r := range rules {
		assert.False(t, ids[r.ID], "duplicate rule ID %s", r.ID)
		assert.False(t, names[r.Name], "duplicate rule name %s", r.Name)
		ids[r.ID], names[r.Name] = true, true
		assert.NotZero(t, r.Roles, r.ID)
		assert.NotZero(t, r.Actions, r.ID)
		assert.NotEmpty(t, r.Reason, r.ID)
		assert.Equal(t, r.Reason.Hidden(), r.Effect == policy.Deny && r.Reason.Hidden(), "hidden rows deny: %s", r.ID)
	}
}

func TestRulesReturnsACopy(t *testing.T) {
	a := policy.Rules()
	a[0].ID = "changed"
	assert.NotEqual(t, policy.RuleID("changed"), policy.Rules()[0].ID)
}

func TestExplainListsTriedRows(t *testing.T) {
	for _, r := range policy.Rules() {
		e := policy.Explain(r.Example)
		require.NotEmpty(t, e.Steps)
		last := e.Steps[len(e.Steps)-1]
		assert.True(t, last.Matched, r.ID)
		assert.Equal(t, r.ID, last.Rule)
		for _, s := range e.Steps[:len(e.Steps)-1] {
			assert.False(t, s.Matched)
			assert.NotEmpty(t, s.Why)
		}
		out := e.String()
		assert.Contains(t, out, "* "+string(r.ID)+" "+r.Name)
		assert.Contains(t, out, "=> allowed=")
	}
	rules := policy.Rules()
	i := slices.IndexFunc(rules, func(r policy.Rule) bool { return r.ID == "R20" })
	e := policy.Explain(rules[i].Example)
	assert.Contains(t, e.String(), "source=folder(")
	assert.True(t, e.Facts.Valid)
	assert.True(t, e.Facts.InDomain)
}
