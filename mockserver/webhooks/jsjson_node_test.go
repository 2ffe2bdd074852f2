package webhooks_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// recipe describes a value so that node can build the same value without
// going through JSON: strings as their raw bytes (which may be invalid
// UTF-8), numbers as their IEEE bits, objects as keys assigned in order.
type recipe map[string]any

func rString(s string) recipe { return recipe{"s": base64.StdEncoding.EncodeToString([]byte(s))} }
func rNumber(f float64) recipe {
	return recipe{"n": fmt.Sprintf("%016x", math.Float64bits(f))}
}
func rInt(i int64) recipe { return recipe{"i": strconv.FormatInt(i, 10)} }

// nodeValue builds the JavaScript value of a recipe.
const nodeValue = `
function value(r) {
  if ('s' in r) return b64(r.s).toString('utf8');
  if ('n' in r) { const dv = new DataView(new ArrayBuffer(8)); dv.setBigUint64(0, BigInt('0x' + r.n)); return dv.getFloat64(0); }
  if ('i' in r) return Number(BigInt(r.i));
  if ('b' in r) return r.b;
  if ('z' in r) return null;
  if ('a' in r) return r.a.map(value);
  const o = {};
  for (const [k, v] of r.o) o[b64(k).toString('utf8')] = value(v);
  return o;
}
`

// gen makes random values paired with their recipes.
type gen struct{ rng *rand.Rand }

var nastyStrings = []string{
	"", "Smith & Sons <b>", "Tom & Jerry", "<script>alert('x')</script>", "a\u2028b\u2029c",
	"👋🏽 Ünïcödé 日本語", "\x00\x01\x1f\x7f", "\b\t\n\f\r\"\\/", "\xff", "a\xe2\x82", "\xed\xa0\x80",
	"\xf0\x9f\x98", "\xc0\xaf", "\xf4\x90\x80\x80", "\xe0\x80\xaf", "\uFFFD", "\ufeffbom", "O'Brien", "€100",
}

func (g gen) str() (string, recipe) {
	if g.rng.IntN(3) == 0 {
		s := nastyStrings[g.rng.IntN(len(nastyStrings))]
		return s, rString(s)
	}
	b := make([]byte, g.rng.IntN(12))
	for i := range b {
		switch g.rng.IntN(4) {
		case 0:
			b[i] = byte(g.rng.IntN(256)) // any byte, often invalid UTF-8
		default:
			b[i] = byte(0x20 + g.rng.IntN(0x5f))
		}
	}
	return string(b), rString(string(b))
}

func (g gen) number() (any, recipe) {
	switch g.rng.IntN(6) {
	case 0:
		f := math.Float64frombits(g.rng.Uint64()) // any double: NaN, Inf, subnormals
		return f, rNumber(f)
	case 1:
		f := (g.rng.Float64() - 0.5) * math.Pow(10, float64(g.rng.IntN(60)-30))
		return f, rNumber(f)
	case 2:
		i := g.rng.Int64() >> g.rng.IntN(63)
		if g.rng.IntN(2) == 0 {
			i = -i
		}
		return i, rInt(i)
	case 3:
		f := float64(g.rng.IntN(1_000_000)) / 100
		return f, rNumber(f)
	case 4:
		edge := []float64{0, math.Copysign(0, -1), 1e21, 1e-7, 1e-6, 999999999999999999999, 123e-20, 5e-324, math.MaxFloat64, 0.1 + 0.2, 1 << 53, 1<<53 + 2}
		f := edge[g.rng.IntN(len(edge))]
		return f, rNumber(f)
	default:
		i := int64(g.rng.IntN(2000)) - 1000
		return int(i), rInt(i)
	}
}

func (g gen) value(depth int) (any, recipe) {
	k := g.rng.IntN(8)
	if depth > 3 {
		k %= 4
	}
	switch k {
	case 0, 1:
		return g.str()
	case 2:
		return g.number()
	case 3:
		switch g.rng.IntN(3) {
		case 0:
			return nil, recipe{"z": 1}
		default:
			b := g.rng.IntN(2) == 0
			return b, recipe{"b": b}
		}
	case 4, 5:
		var o webhooks.Object
		var members [][2]any
		for range g.rng.IntN(6) {
			var key string
			switch g.rng.IntN(5) {
			case 0:
				key = strconv.Itoa(g.rng.IntN(20)) // an array index: JavaScript lists it first
			case 1:
				key = []string{"id", "name", "4294967295", "4294967294", "-1", "01", "1.5"}[g.rng.IntN(7)]
			default:
				key, _ = g.str()
			}
			v, r := g.value(depth + 1)
			o = append(o, webhooks.Member{Key: key, Value: v})
			members = append(members, [2]any{base64.StdEncoding.EncodeToString([]byte(key)), r})
		}
		if members == nil {
			members = [][2]any{}
		}
		return o, recipe{"o": members}
	default:
		var a []any
		rs := []recipe{}
		for range g.rng.IntN(5) {
			v, r := g.value(depth + 1)
			a = append(a, v)
			rs = append(rs, r)
		}
		return a, recipe{"a": rs}
	}
}

// TestMarshalJSMatchesNode is the differential test of the body encoder:
// for many values, Go's bytes must equal node's JSON.stringify of the same
// value, and JSON.stringify(JSON.parse(bytes)) must give the bytes back.
func TestMarshalJSMatchesNode(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(13, 2026))}
	var inputs []any
	var want [][]byte
	add := func(v any, r recipe) {
		b, err := webhooks.MarshalJS(v)
		require.NoError(t, err)
		inputs = append(inputs, map[string]any{"recipe": r, "go": base64.StdEncoding.EncodeToString(b)})
		want = append(want, b)
	}
	for _, s := range nastyStrings {
		add(s, rString(s))
		add(webhooks.Object{{Key: "name", Value: s}, {Key: s, Value: 1}}, recipe{"o": [][2]any{
			{base64.StdEncoding.EncodeToString([]byte("name")), rString(s)},
			{base64.StdEncoding.EncodeToString([]byte(s)), rInt(1)},
		}})
	}
	for range 3000 {
		add(g.value(0))
	}
	var got []struct {
		Node      string `json:"node"`
		Canonical bool   `json:"canonical"`
	}
	runNode(t, nodeLines+nodeValue+`
function handle(c) {
  const node = Buffer.from(JSON.stringify(value(c.recipe)), 'utf8');
  const go = b64(c.go);
  const again = Buffer.from(JSON.stringify(JSON.parse(go.toString('utf8'))), 'utf8');
  return {node: node.toString('base64'), canonical: again.equals(go)};
}`, inputs, &got)
	fails := 0
	for i, g := range got {
		node, _ := base64.StdEncoding.DecodeString(g.Node)
		if !assert.Equal(t, string(node), string(want[i]), "case %d: Go and JSON.stringify differ (Go hex %s)", i, hex.EncodeToString(want[i])) ||
			!assert.True(t, g.Canonical, "case %d: JSON.stringify(JSON.parse(%q)) is not the same bytes", i, want[i]) {
			if fails++; fails > 10 {
				t.Fatal("too many differences")
			}
		}
	}
}

// TestCanonicalizeMatchesNode: Canonicalize of JSON text from elsewhere
// (spaces, escapes, repeated and index keys, exotic numbers, invalid UTF-8)
// equals JSON.stringify(JSON.parse(text)) in node.
func TestCanonicalizeMatchesNode(t *testing.T) {
	texts := []string{
		`{ "name" : "Smith \u0026 Sons \u003cb\u003e", "line": "\u2028", "slash": "\/" }`,
		`[1.0, 1e2, -0, 1E-7, 0.000001, 12345678901234567890, 1e400, -1e400, 5e-324, 2e-324]`,
		`{"b":1,"1":2,"a":{"0":true,"10":[],"9":{}},"b":3}`,
		"{\"bad\":\"\xe2\x82\",\"worse\":\"\xff\xfe\",\"ok\":\"\xf0\x9f\x98\x80\"}",
		`{"deep":[[[[{"x":[null,true,false,"\t\u0001"]}]]]]}`,
		`"\ud83d\ude00"`,
		`  {}  `,
		`{"4294967294":1,"4294967295":2,"a":3,"0":4}`,
	}
	g := gen{rand.New(rand.NewPCG(7, 7))}
	for range 500 {
		v, _ := g.value(0)
		b, err := webhooks.MarshalJS(v)
		require.NoError(t, err)
		texts = append(texts, string(b))
	}
	var inputs []any
	var want []string
	for _, s := range texts {
		b, err := webhooks.Canonicalize([]byte(s))
		require.NoError(t, err, s)
		inputs = append(inputs, map[string]any{"text": base64.StdEncoding.EncodeToString([]byte(s))})
		want = append(want, string(b))
	}
	var got []struct {
		Node string `json:"node"`
	}
	runNode(t, nodeLines+`
function handle(c) {
  return {node: Buffer.from(JSON.stringify(JSON.parse(b64(c.text).toString('utf8'))), 'utf8').toString('base64')};
}`, inputs, &got)
	for i, g := range got {
		node, _ := base64.StdEncoding.DecodeString(g.Node)
		assert.Equal(t, string(node), want[i], "text %q", texts[i])
	}
}
