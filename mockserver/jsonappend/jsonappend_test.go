package jsonappend

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodingJSON is what encoding/json writes for v without HTML escaping,
// the reference the hand-written appenders must equal.
func encodingJSON(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return strings.TrimSuffix(buf.String(), "\n")
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	cases := []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"héllo wörld", "emoji 😀", "\u2028 and \u2029", "bad \xff utf8 \xc3", "<a href=\"x\">&</a>",
	}
	for _, s := range cases {
		assert.Equal(t, encodingJSON(t, s), string(AppendString(nil, s)), "%q", s)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("hello")
	f.Add("\xff\u2028\"\\")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString(nil, s)), encodingJSON(t, s); got != want {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func TestAppendLower(t *testing.T) {
	assert.Equal(t, `ada lovelace`, string(AppendLower(nil, "Ada LOVELACE")))
	assert.Equal(t, `élodie`, string(AppendLower(nil, "Élodie")))
	assert.Equal(t, `a\"b`, string(AppendLower(nil, `A"B`)))
}

func TestAppendValueMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{nil, "s", true, 7.0, -0.5, 1e21, 1e-7, 123456789.0, []string{"a", "b"}, []any{"x", 1.0}, []any{"<a&b>", "\u2028"}, map[string]any{"k": "v & <w>"}, int64(42), 0.0, math.MaxInt32 * 1.0} {
		assert.Equal(t, encodingJSON(t, v), string(AppendValue(nil, v)), "%#v", v)
	}
}

func TestObjWritesValidJSON(t *testing.T) {
	o := Begin(nil)
	o.String("a", "x")
	o.StringOmit("skip", "")
	o.StringNull("n", "")
	o.Int("i", 3)
	o.Bool("b", true)
	o.Lower("low", "ADA")
	o.LowerOmit("none", "")
	in := o.Open("in")
	in.Strings("list", []string{"p", "q"})
	in.StringsOmit("empty", nil)
	o.Close(in)
	o.Value("v", []any{"a&b", 1.5})
	got := string(o.End())
	assert.Equal(t, `{"a":"x","n":null,"i":3,"b":true,"low":"ada","in":{"list":["p","q"]},"v":["a&b",1.5]}`, got)
}

func TestFloatMatchesEncodingJSON(t *testing.T) {
	for _, v := range []float64{0, -0.0, 0.2, 12.345, -0.5, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 3e21, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		o := Begin(nil)
		o.Float("f", v)
		assert.Equal(t, `{"f":`+encodingJSON(t, v)+`}`, string(o.End()), "%v", v)
	}
	buf := make([]byte, 0, 64)
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		o := Begin(buf[:0])
		o.Float("f", 12.345)
		buf = o.End()
	}), "no boxing")
}
