package oauth_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestTimestampJSON(t *testing.T) {
	cases := []struct {
		ms   int64
		want string
	}{
		{1751436979849, "1751436979.849"},
		{1751436979800, "1751436979.8"},
		{1751436979050, "1751436979.05"},
		{1751436979000, "1751436979"},
	}
	for _, c := range cases {
		b, err := json.Marshal(oauth.Timestamp(c.ms))
		require.NoError(t, err)
		assert.Equal(t, c.want, string(b))
		var back oauth.Timestamp
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, oauth.Timestamp(c.ms), back, c.want)
	}
	var ts oauth.Timestamp
	assert.Error(t, json.Unmarshal([]byte(`"soon"`), &ts))
}
