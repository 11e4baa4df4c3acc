package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

func TestCanonicalForms(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"empty object", `{}`, `{}`},
		{"whitespace dropped", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n", `{"a":[1,2]}`},
		{"keys sorted", `{"b":1,"a":2,"aa":3,"A":4}`, `{"A":4,"a":2,"aa":3,"b":1}`},
		{"nested keys sorted", `{"x":{"d":[{"z":1,"y":2}],"c":0}}`, `{"x":{"c":0,"d":[{"y":2,"z":1}]}}`},
		{"keys in utf-16 order", `{"\ue000":1,"😀":2}`, `{"😀":2,"` + "\ue000" + `":1}`},
		{"chain members dropped", `{"record_number":1,"prev_hash":"x","a":true,"content_hash":"y","chain_head":"z"}`, `{"a":true}`},
		{"chain members dropped when unsorted", `{"z":1,"chain_head":"z","a":2}`, `{"a":2,"z":1}`},
		{"nested chain members kept", `{"a":{"prev_hash":"x"}}`, `{"a":{"prev_hash":"x"}}`},
		{"escaped chain member name dropped", `{"\u0070rev_hash":"x","a":1}`, `{"a":1}`},
		{"escapes decoded", `{"s":"\u0041\/\u00e9\ud83d\ude00"}`, `{"s":"A/é😀"}`},
		{"escapes kept", `{"s":"\"\\\b\f\n\r\t\u0001\u001f"}`, `{"s":"\"\\\b\f\n\r\t\u0001\u001f"}`},
		{"html and separators literal", `{"s":"<a>&` + "\u2028\u2029\u007f" + `"}`, `{"s":"<a>&` + "\u2028\u2029\u007f" + `"}`},
		{"escaped key", `{"\u0062":1,"a":2}`, `{"a":2,"b":1}`},
		{"integer kept", `{"n":[0,-1,123456789012345,9007199254740991,-9007199254740991]}`, `{"n":[0,-1,123456789012345,9007199254740991,-9007199254740991]}`},
		{"negative zero", `{"n":[-0,-0.0,0e5]}`, `{"n":[0,0,0]}`},
		{"numbers in ecmascript form", `{"n":[1e2,0.50,1E-7,1.5e-7,100.0,1e15,1e-400,123.456e1]}`, `{"n":[100,0.5,1e-7,1.5e-7,100,1000000000000000,0,1234.56]}`},
		{"short decimals", `{"n":[0.75,-0.50,10.10,0.000001,123456789012345.0,12345678901234.5,-0.0,0.05]}`, `{"n":[0.75,-0.5,10.1,0.000001,123456789012345,12345678901234.5,0,0.05]}`},
		{"long decimals", `{"n":[0.0000001,0.1234567890123456,1234567890123456.5,0.30000000000000004,0.1000000000000000055511]}`, `{"n":[1e-7,0.1234567890123456,1234567890123456.5,0.30000000000000004,0.1]}`},
		{"literals", `{"t":true,"f":false,"n":null}`, `{"f":false,"n":null,"t":true}`},
		{"empty containers", `{"a":[],"o":{},"s":""}`, `{"a":[],"o":{},"s":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical([]byte(tt.input))
			if err != nil {
				t.Fatalf("Canonical(%q) error: %v", tt.input, err)
			}
			if string(got) != tt.want {
				t.Errorf("Canonical(%q) = %s, want %s", tt.input, got, tt.want)
			}
			ref, err := referenceCanonical([]byte(tt.input))
			if err != nil || string(ref) != tt.want {
				t.Errorf("referenceCanonical(%q) = %s, %v, want %s", tt.input, ref, err, tt.want)
			}
		})
	}
}

func TestCanonicalRejects(t *testing.T) {
	deep := strings.Repeat(`{"a":`, MaxDepth) + `1` + strings.Repeat(`}`, MaxDepth)
	tooDeep := strings.Repeat(`[`, MaxDepth) + strings.Repeat(`]`, MaxDepth)
	if _, err := Canonical([]byte(deep)); err != nil {
		t.Fatalf("Canonical(nesting of %d) error: %v, want nil", MaxDepth, err)
	}

	tests := []struct {
		name   string
		input  string
		reason string
	}{
		{"empty input", ``, "top level is not a JSON object"},
		{"array at top level", `[]`, "top level is not a JSON object"},
		{"string at top level", `"a"`, "top level is not a JSON object"},
		{"number at top level", `1`, "top level is not a JSON object"},
		{"trailing data", `{} x`, "unexpected data after"},
		{"second object", `{}{}`, "unexpected data after"},
		{"byte order mark", "\ufeff{}", "top level is not a JSON object"},
		{"invalid utf-8 in string", "{\"a\":\"\xff\"}", "invalid UTF-8"},
		{"invalid utf-8 in key", "{\"\xc3\x28\":1}", "invalid UTF-8"},
		{"surrogate in utf-8", "{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8"},
		{"overlong utf-8", "{\"a\":\"\xc0\xaf\"}", "invalid UTF-8"},
		{"utf-8 above U+10FFFF", "{\"a\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8"},
		{"truncated utf-8 at the end", "{\"a\":\"\xe2\x82", "invalid UTF-8"},
		{"invalid utf-8 after an escape", "{\"a\":\"\\n\xff\"}", "invalid UTF-8"},
		{"invalid utf-8 outside strings", "{\"a\":1\xff}", "after object member"},
		{"duplicate key", `{"a":1,"a":2}`, `duplicate key "a"`},
		{"duplicate key unsorted", `{"b":1,"a":1,"b":2}`, `duplicate key "b"`},
		{"duplicate key by escape", `{"a":1,"\u0061":2}`, `duplicate key "a"`},
		{"duplicate key nested", `{"x":[{"k":1,"k":1}]}`, `duplicate key "k"`},
		{"duplicate chain member", `{"prev_hash":"a","prev_hash":"a"}`, `duplicate key "prev_hash"`},
		{"integer above 2^53-1", `{"n":9007199254740992}`, "outside ±(2^53−1)"},
		{"integer below -(2^53-1)", `{"n":-9007199254740992}`, "outside ±(2^53−1)"},
		{"huge integer by exponent", `{"n":1e300}`, "outside ±(2^53−1)"},
		{"fraction just above the limit", `{"n":9007199254740991.5}`, "outside ±(2^53−1)"},
		{"fraction barely above the limit", `{"n":9007199254740991.0000000000000000001}`, "outside ±(2^53−1)"},
		{"exponent overflow", `{"n":1e99999999999999999999}`, "outside ±(2^53−1)"},
		{"nan", `{"n":NaN}`, "expected a value"},
		{"infinity", `{"n":Infinity}`, "expected a value"},
		{"negative infinity", `{"n":-Infinity}`, "expected a digit"},
		{"leading zero", `{"n":01}`, "leading zero"},
		{"plus sign", `{"n":+1}`, "expected a value"},
		{"bare point", `{"n":1.}`, "after the decimal point"},
		{"empty exponent", `{"n":1e}`, "in the exponent"},
		{"hex number", `{"n":0x10}`, "after object member"},
		{"lone high surrogate", `{"s":"\ud800"}`, "without a low surrogate"},
		{"lone low surrogate", `{"s":"\udc00"}`, "lone low surrogate"},
		{"reversed surrogates", `{"s":"\ud800\u0041"}`, "not a low surrogate"},
		{"bad escape", `{"s":"\x"}`, "invalid escape"},
		{"short unicode escape", `{"s":"\u12"}`, `invalid \u escape`},
		{"raw control character", "{\"s\":\"a\tb\"}", "control character"},
		{"raw newline", "{\"s\":\"a\nb\"}", "control character"},
		{"unterminated string", `{"s":"abc`, "end of input"},
		{"unterminated object", `{"a":1`, "end of input"},
		{"unterminated array", `{"a":[1`, "end of input"},
		{"trailing comma in object", `{"a":1,}`, "expected a string key"},
		{"trailing comma in array", `{"a":[1,]}`, "expected a value"},
		{"missing colon", `{"a" 1}`, "expected ':'"},
		{"single quotes", `{'a':1}`, "expected a string key"},
		{"comment", `{"a":1 /* c */}`, "after object member"},
		{"bad literal", `{"a":tru}`, "expected true"},
		{"nesting too deep", `{"a":` + tooDeep + `}`, "deeper than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Canonical([]byte(tt.input))
			var jsonErr *JSONError
			if !errors.As(err, &jsonErr) {
				t.Fatalf("Canonical(%q) error = %v, want a *JSONError", tt.input, err)
			}
			if !strings.Contains(jsonErr.Reason, tt.reason) {
				t.Errorf("Canonical(%q) reason = %q, want it to contain %q", tt.input, jsonErr.Reason, tt.reason)
			}
			if jsonErr.Offset < 0 || jsonErr.Offset > int64(len(tt.input)) {
				t.Errorf("Canonical(%q) offset = %d, outside the input", tt.input, jsonErr.Offset)
			}
			if _, refErr := referenceCanonical([]byte(tt.input)); refErr == nil {
				t.Errorf("referenceCanonical(%q) accepted what Canonical rejects", tt.input)
			}
		})
	}
}

// TestCanonicalNestedUnsortedObjects nests objects whose keys are out of
// order as deep as allowed around a large string, the input that makes the
// scanner move the most bytes.
func TestCanonicalNestedUnsortedObjects(t *testing.T) {
	inner := `"` + strings.Repeat("x", 1<<20) + `"`
	for range MaxDepth - 1 {
		inner = `{"b":0,"a":` + inner + `}`
	}
	got, err := Canonical([]byte(inner))
	if err != nil {
		t.Fatal(err)
	}
	want, err := referenceCanonical([]byte(inner))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Canonical(nested unsorted objects) differs from the reference")
	}
}

func TestCanonicalRejectsOversizedInput(t *testing.T) {
	data := make([]byte, MaxRecordSize+1)
	_, err := Canonical(data)
	var jsonErr *JSONError
	if !errors.As(err, &jsonErr) || !strings.Contains(jsonErr.Reason, "more than the maximum") {
		t.Errorf("Canonical(%d bytes) error = %v, want a *JSONError about the size", len(data), err)
	}
}

func TestCanonicalErrorOffset(t *testing.T) {
	input := `{"a":1,"b":[true,01]}`
	_, err := Canonical([]byte(input))
	var jsonErr *JSONError
	if !errors.As(err, &jsonErr) {
		t.Fatalf("Canonical(%q) error = %v, want a *JSONError", input, err)
	}
	if want := int64(strings.Index(input, "01") + 1); jsonErr.Offset != want {
		t.Errorf("Canonical(%q) offset = %d, want %d", input, jsonErr.Offset, want)
	}
}

func TestExceedsSafeInteger(t *testing.T) {
	tests := []struct {
		token string
		want  bool
	}{
		{"0", false},
		{"-0", false},
		{"9007199254740991", false},
		{"-9007199254740991", false},
		{"9007199254740992", true},
		{"9007199254740991.0", false},
		{"9007199254740991.0000001", true},
		{"9007199254740990.9999999", false},
		{"900719925474099.1e1", false},
		{"900719925474099.2e1", true},
		{"0.9007199254740991e16", false},
		{"0.9007199254740992e16", true},
		{"90071992547409910e-1", false},
		{"90071992547409911e-1", true},
		{"1e15", false},
		{"1e16", true},
		{"1e300", true},
		{"1e-300", false},
		{"0e99999999999999999999", false},
		{"1e99999999999999999999", true},
		{"1e-99999999999999999999", false},
		{"12345678901234567890e-4", false},
		{"0.000000000000000000001", false},
	}
	for _, tt := range tests {
		if got := exceedsSafeInteger([]byte(tt.token)); got != tt.want {
			t.Errorf("exceedsSafeInteger(%q) = %v, want %v", tt.token, got, tt.want)
		}
		if got := !referenceNumberInRange(tt.token); got != tt.want {
			t.Errorf("reference check of %q = %v, want %v", tt.token, got, tt.want)
		}
	}
}

func TestCompareUTF16(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"", "", 0},
		{"a", "a", 0},
		{"a", "b", -1},
		{"a", "ab", -1},
		{"B", "a", -1},
		{"é", "z", 1},
		{"😀", "\ue000", -1},
		{"\uffff", "😀", 1},
		{"x😀", "x\ue000", -1},
		{"😀", "😁", -1},
		{"\u0800", "\u07ff", 1},
	}
	for _, tt := range tests {
		got := sign(compareUTF16([]byte(tt.a), []byte(tt.b)))
		if got != tt.want {
			t.Errorf("compareUTF16(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if ref := sign(compareUnits(utf16.Encode([]rune(tt.a)), utf16.Encode([]rune(tt.b)))); ref != tt.want {
			t.Errorf("UTF-16 reference order of %q and %q = %d, want %d", tt.a, tt.b, ref, tt.want)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func compareUnits(a, b []uint16) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return len(a) - len(b)
}

// FuzzParseRecord checks that parseRecord never panics and accepts exactly
// what the reference implementation accepts, with the same canonical bytes.
// Accepted input must round-trip: the canonical bytes are their own canonical
// form, and the record as Seal formats it parses back to the same canonical
// bytes and members.
func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"b":[1,2.5,-0,1e2],"a":{"y":null,"x":"\u00e9\n"},"record_number":1,"prev_hash":"x"}`))
	f.Add([]byte(`{"\ue000":1,"😀":2,"a\"b":"<&>"}`))
	f.Add([]byte(`{"n":9007199254740991,"m":-9007199254740991.4e0}`))
	f.Add(reportPayload(1, 2))

	f.Fuzz(func(t *testing.T, data []byte) {
		pr, err := parseRecord(data)
		ref, refErr := referenceCanonical(data)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("parseRecord(%q) error = %v, reference error = %v", data, err, refErr)
		}
		if err != nil {
			var jsonErr *JSONError
			if !errors.As(err, &jsonErr) {
				t.Fatalf("parseRecord(%q) error = %v, want a *JSONError", data, err)
			}
			return
		}
		if !bytes.Equal(pr.canonical, ref) {
			t.Fatalf("parseRecord(%q) canonical = %s, reference = %s", data, pr.canonical, ref)
		}

		again, err := parseRecord(pr.canonical)
		if err != nil {
			t.Fatalf("parseRecord(canonical %s) error: %v", pr.canonical, err)
		}
		if !bytes.Equal(again.canonical, pr.canonical) {
			t.Fatalf("canonical form is not stable: %s became %s", pr.canonical, again.canonical)
		}

		formatted, err := formatRecord(data, nil)
		if err != nil {
			t.Fatalf("formatRecord(%q) error: %v", data, err)
		}
		back, err := parseRecord(formatted)
		if err != nil {
			t.Fatalf("parseRecord(formatted %s) error: %v", formatted, err)
		}
		if !bytes.Equal(back.canonical, pr.canonical) {
			t.Fatalf("formatted record changed the canonical bytes: %s became %s", pr.canonical, back.canonical)
		}
		for i := range back.members {
			if !bytes.Equal(back.members[i], pr.members[i]) {
				t.Fatalf("formatted record changed member %s: %s became %s", memberNames[i], pr.members[i], back.members[i])
			}
		}
	})
}

// referenceCanonical is the straightforward implementation that the scanner
// replaced for speed: a token walk with encoding/json for the strict checks,
// jcs.Transform for the canonical form, and a map to drop the chain members.
func referenceCanonical(data []byte) ([]byte, error) {
	if len(data) > MaxRecordSize {
		return nil, errors.New("too large")
	}
	if !utf8.Valid(data) {
		return nil, errors.New("invalid UTF-8")
	}
	if err := referenceStrictCheck(data); err != nil {
		return nil, err
	}
	// jcs rejects lone surrogates, which encoding/json would turn into U+FFFD.
	if _, err := jcs.Transform(data); err != nil {
		return nil, err
	}

	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, err
	}
	for _, name := range []string{"record_number", "prev_hash", "content_hash", "chain_head"} {
		delete(members, name)
	}
	stripped, err := json.Marshal(members)
	if err != nil {
		return nil, err
	}
	return jcs.Transform(stripped)
}

// referenceStrictCheck walks the tokens of data with encoding/json and checks
// the strict rules that json.Decoder does not: one top-level object, no
// duplicate keys, numbers in range and the depth limit.
func referenceStrictCheck(data []byte) error {
	type frame struct {
		object    bool
		keys      map[string]bool
		expectKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	for first := true; ; first = false {
		tok, err := dec.Token()
		if err == io.EOF {
			if first {
				return errors.New("empty input")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if len(stack) == 0 && !first {
			return errors.New("data after the top-level object")
		}
		if first && tok != json.Delim('{') {
			return errors.New("top level is not an object")
		}

		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expectKey && tok != json.Delim('}') {
			key := tok.(string)
			if top.keys[key] {
				return fmt.Errorf("duplicate key %q", key)
			}
			top.keys[key] = true
			top.expectKey = false
			continue
		}
		if top != nil && top.object {
			top.expectKey = true
		}

		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if len(stack) >= MaxDepth {
					return errors.New("too deep")
				}
				stack = append(stack, &frame{object: v == '{', keys: map[string]bool{}, expectKey: true})
			default:
				stack = stack[:len(stack)-1]
			}
		case json.Number:
			if !referenceNumberInRange(string(v)) {
				return fmt.Errorf("number %s out of range", v)
			}
		}
	}
}

// referenceNumberInRange reports whether a JSON number is within ±(2^53−1),
// with exact rational arithmetic where the exponent allows it.
func referenceNumberInRange(token string) bool {
	mantissa, exponent, hasExponent := strings.Cut(strings.ToLower(token), "e")
	mantissaValue, ok := new(big.Rat).SetString(mantissa)
	if !ok {
		return false
	}
	if mantissaValue.Sign() == 0 {
		return true
	}
	if hasExponent {
		e, ok := new(big.Int).SetString(strings.TrimPrefix(exponent, "+"), 10)
		if !ok {
			return false
		}
		// Beyond this exponent, a non-zero mantissa of this length is either
		// far above the limit or far below 1.
		if bound := big.NewInt(int64(len(token) + 40)); e.CmpAbs(bound) > 0 {
			return e.Sign() < 0
		}
	}
	value, ok := new(big.Rat).SetString(token)
	if !ok {
		return false
	}
	limit := new(big.Rat).SetInt64(1<<53 - 1)
	return value.Abs(value).Cmp(limit) <= 0
}
