package webhooks_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

func TestMarshalJS(t *testing.T) {
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"html characters raw", "Smith & Sons <b>", `"Smith & Sons <b>"`},
		{"line separators raw", "a\u2028b\u2029c", "\"a\u2028b\u2029c\""},
		{"short escapes", "\b\t\n\f\r\"\\", `"\b\t\n\f\r\"\\"`},
		{"other controls lower hex", "\x00\x1f\x0b", `"\u0000\u001f\u000b"`},
		{"DEL raw", "\x7f", "\"\x7f\""},
		{"emoji raw", "👋🏽", `"👋🏽"`},
		{"invalid byte", "a\xffb", "\"a\uFFFDb\""},
		{"truncated sequence is one U+FFFD", "a\xe2\x82b", "\"a\uFFFDb\""},
		{"encoded surrogate is three", "\xed\xa0\x80", "\"\uFFFD\uFFFD\uFFFD\""},
		{"literal U+FFFD kept", "\uFFFD", "\"\uFFFD\""},
		{"integer", 42, `42`},
		{"negative zero", math.Copysign(0, -1), `0`},
		{"fraction", 0.1, `0.1`},
		{"float32 as written", float32(0.1), `0.1`},
		{"big fixed", 1e20, `100000000000000000000`},
		{"exponent from 1e21", 1e21, `1e+21`},
		{"small fixed", 0.000001, `0.000001`},
		{"small exponent", 1e-7, `1e-7`},
		{"mantissa exponent", 1.5e-7, `1.5e-7`},
		{"max float", math.MaxFloat64, `1.7976931348623157e+308`},
		{"NaN is null", math.NaN(), `null`},
		{"Inf is null", math.Inf(1), `null`},
		{"unsafe integer rounds", int64(9007199254740993), `9007199254740992`},
		{"max int64", int64(math.MaxInt64), `9223372036854776000`},
		{"max uint64", uint64(math.MaxUint64), `18446744073709552000`},
		{"json.Number", json.Number("1.50"), `1.5`},
		{"json.Number overflow", json.Number("1e400"), `null`},
		{"nil", nil, `null`},
		{"bools", []any{true, false}, `[true,false]`},
		{"strings", []string{"a", "&"}, `["a","&"]`},
		{"object order", webhooks.Object{{"b", 1}, {"a", 2}}, `{"b":1,"a":2}`},
		{"index keys first", webhooks.Object{{"b", 1}, {"10", 2}, {"2", 3}, {"-1", 4}, {"01", 5}}, `{"2":3,"10":2,"b":1,"-1":4,"01":5}`},
		{"largest index", webhooks.Object{{"x", 0}, {"4294967295", 1}, {"4294967294", 2}}, `{"4294967294":2,"x":0,"4294967295":1}`},
		{"duplicate keeps first place, last value", webhooks.Object{{"a", 1}, {"b", 2}, {"a", 3}}, `{"a":3,"b":2}`},
		{"map sorted", map[string]any{"b": 1, "a": "x"}, `{"a":"x","b":1}`},
		{"string map", map[string]string{"z": "1", "y": "2"}, `{"y":"2","z":"1"}`},
		{"objects", []webhooks.Object{{{"a", 1}}, {}}, `[{"a":1},{}]`},
		{"struct through encoding/json", struct {
			Name string `json:"name"`
			Amp  string `json:"amp"`
		}{"n", "&"}, `{"name":"n","amp":"&"}`},
		{"raw message canonicalised", json.RawMessage(`{ "a" : "\u0026", "b":1.0 }`), `{"a":"&","b":1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := webhooks.MarshalJS(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.want, string(got))
		})
	}
}

func TestMarshalJSErrors(t *testing.T) {
	_, err := webhooks.MarshalJS(json.Number("1x"))
	assert.Error(t, err)
	_, err = webhooks.MarshalJS(make(chan int))
	assert.Error(t, err)
	_, err = webhooks.MarshalJS(webhooks.Object{{"a", make(chan int)}})
	assert.Error(t, err)
}

func TestCanonicalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"a":"\u0026\u003c\u003e","b":"\u2028"}`, "{\"a\":\"&<>\",\"b\":\"\u2028\"}"},
		{` [1.0, 1e2, -0, 1E-7, 12345678901234567890] `, `[1,100,0,1e-7,12345678901234567000]`},
		{`{"b":1,"1":2,"a":{"0":true}}`, `{"1":2,"b":1,"a":{"0":true}}`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{"\"\xe2\x82\"", "\"\uFFFD\""},
		{`"\u00e9\/"`, `"é/"`},
		{`null`, `null`},
	}
	for _, c := range cases {
		got, err := webhooks.Canonicalize([]byte(c.in))
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, string(got), c.in)
	}
	for _, bad := range []string{``, `{`, `{"a":1} x`, `[1,]`, `nul`} {
		_, err := webhooks.Canonicalize([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestObjectSetGet(t *testing.T) {
	var o webhooks.Object
	o.Set("a", 1)
	o.Set("b", 2)
	o.Set("a", 3)
	v, ok := o.Get("a")
	assert.True(t, ok)
	assert.Equal(t, 3, v)
	_, ok = o.Get("c")
	assert.False(t, ok)
	c := o.Clone()
	c.Set("a", 4)
	v, _ = o.Get("a")
	assert.Equal(t, 3, v, "a clone is independent")
	b, err := json.Marshal(map[string]any{"o": o})
	require.NoError(t, err)
	assert.JSONEq(t, `{"o":{"a":3,"b":2}}`, string(b))
	assert.Contains(t, string(b), `{"a":3,"b":2}`, "encoding/json keeps an Object's order")
}
