package contracttest_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

func TestPathLookup(t *testing.T) {
	t.Parallel()
	var doc any
	require.NoError(t, json.Unmarshal([]byte(`{
		"contact": {"id": "c1", "tags": ["a", "b"], "a.b": 1},
		"contacts": [{"id": "x", "searchAfter": [1, "x"]}, {"id": "y"}, {"name": "no id"}],
		"empty": []
	}`), &doc))
	cases := []struct {
		path  string
		want  any
		found bool
	}{
		{"$", doc, true},
		{"contact.id", "c1", true},
		{"contact.tags[0]", "a", true},
		{"contact.tags[-1]", "b", true},
		{"contact.tags[2]", nil, false},
		{`contact["a.b"]`, 1.0, true},
		{"contacts[*].id", []any{"x", "y"}, true},
		{"contacts[0].searchAfter", []any{1.0, "x"}, true},
		{"contacts[-1].name", "no id", true},
		{"empty[*].id", []any{}, true},
		{"contact.missing", nil, false},
		{"contact.id.deeper", nil, false},
		{"contacts.id", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			p, err := contracttest.ParsePath(tc.path)
			require.NoError(t, err)
			got, found := p.Lookup(doc)
			assert.Equal(t, tc.found, found)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.path, p.String())
		})
	}
}

func TestParsePathRejectsNonsense(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "a..b", ".a", "a.", "a[", "a[x]", "a]b", "a[0]b"} {
		_, err := contracttest.ParsePath(bad)
		assert.Error(t, err, "%q", bad)
	}
}
