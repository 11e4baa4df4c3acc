package audit

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

// MaxRecordSize is the largest record, in bytes, that Seal writes and Verify
// reads. It bounds the memory that one hostile file can claim. A report with
// 10,000 cases is about 7 MB, an estimate from the 735 bytes that a case entry
// with two artifact digests and one failure mode takes in the tests.
const MaxRecordSize = 64 << 20

// MaxDepth is the deepest nesting of objects and arrays that a record may have.
// Reports nest about five levels deep, and the cap leaves room for members
// that later versions add. It bounds the recursion of the parser and the cost
// of sorting: a member of an object whose keys are out of order is moved once
// for each such object that encloses it, so at most MaxDepth times.
const MaxDepth = 64

// maxSafeInteger is 2^53−1, the largest integer that an IEEE 754 double, and
// therefore the canonical form of RFC 8785, represents exactly together with
// all its neighbours.
const maxSafeInteger = 1<<53 - 1

// Indexes of the top-level members that the parser captures. The first four
// are the chain members, which are left out of the canonical bytes.
const (
	memberRecordNumber = iota
	memberPrevHash
	memberContentHash
	memberChainHead
	memberSchemaVersion
	memberRunID
	memberIsolationClass
	memberCount

	chainMemberCount = memberChainHead + 1
)

var memberNames = [memberCount]string{
	memberRecordNumber:   "record_number",
	memberPrevHash:       "prev_hash",
	memberContentHash:    "content_hash",
	memberChainHead:      "chain_head",
	memberSchemaVersion:  "schema_version",
	memberRunID:          "run_id",
	memberIsolationClass: "isolation_class",
}

// memberIndex returns the index of a captured top-level member, or -1.
func memberIndex(key []byte) int {
	switch string(key) {
	case "record_number":
		return memberRecordNumber
	case "prev_hash":
		return memberPrevHash
	case "content_hash":
		return memberContentHash
	case "chain_head":
		return memberChainHead
	case "schema_version":
		return memberSchemaVersion
	case "run_id":
		return memberRunID
	case "isolation_class":
		return memberIsolationClass
	}
	return -1
}

// parsedRecord is a record object that passed the strict checks.
type parsedRecord struct {
	// canonical holds the RFC 8785 bytes of the object without the chain members.
	canonical []byte
	// members holds the canonical JSON text of each captured top-level member,
	// indexed by the member constants. A missing member is nil.
	members [memberCount][]byte
}

// parseRecord checks data against the strict rules and returns its canonical
// form.
//
// The rules are these. The input is at most MaxRecordSize bytes of valid
// UTF-8 and holds exactly one JSON object, with nothing after it but
// whitespace. No object has a duplicate key, no escape is a lone UTF-16
// surrogate, and nesting is at most MaxDepth deep. Every number is within
// ±(2^53−1) whatever its spelling. That rejects 1e300 although it is an
// integer, because above 2^53 distinct integers share one IEEE 754 double and
// the canonical bytes would no longer tell them apart.
//
// Numbers are otherwise compared as doubles, as RFC 8785 prescribes: 0.5, 0.50
// and 5e-1 have the same canonical form.
func parseRecord(data []byte) (parsedRecord, error) {
	var p parser
	return p.parse(data)
}

// parser parses records with parseRecord's rules and keeps its buffers for
// the next record. The zero value is ready to use. A parser is not safe for
// concurrent use.
type parser struct {
	out     []byte
	spans   []memberSpan
	members []byte
}

// parse is parseRecord with reused buffers. The parsedRecord it returns
// points into them, so it is valid until the next call.
func (p *parser) parse(data []byte) (parsedRecord, error) {
	var pr parsedRecord
	if len(data) > MaxRecordSize {
		return pr, &JSONError{Offset: 0, Reason: fmt.Sprintf("record is %d bytes, more than the maximum of %d", len(data), MaxRecordSize)}
	}

	s := scanner{data: data, out: p.out[:0], spans: p.spans[:0], memberBuf: p.members[:0], members: &pr.members}
	defer func() { p.out, p.spans, p.members = s.out, s.spans, s.memberBuf }()
	s.skipSpace()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return pr, s.errorf("top level is not a JSON object")
	}
	if err := s.object(true); err != nil {
		return pr, err
	}
	s.skipSpace()
	if s.pos < len(data) {
		return pr, s.errorf("unexpected data after the top-level object")
	}

	pr.canonical = s.out
	return pr, nil
}

// scanner is a single-pass validating parser that writes RFC 8785 canonical
// JSON to out as it reads. It replaces a token walk with encoding/json followed
// by jcs.Transform, which ran at about 9 MB/s against 2 GB/s for BLAKE3 on the
// same records (BenchmarkCanonical and BenchmarkBLAKE3). The tests check the
// scanner against that reference on fuzzed input.
type scanner struct {
	data    []byte
	pos     int
	out     []byte
	depth   int
	members *[memberCount][]byte

	// spans is a stack of the members of the objects being parsed, shared by
	// all nesting levels so that parsing allocates nothing per object.
	spans []memberSpan
	// memberBuf holds the captured top-level members. Growing it leaves the
	// members captured before in the old array, where they stay valid.
	memberBuf []byte
	// sortBuf is scratch space for sortMembers.
	sortBuf []byte
}

// memberSpan locates one object member: its decoded key and its canonical
// text out[start:end] (key, colon and value, without a separating comma).
type memberSpan struct {
	key        []byte
	start, end int
	omit       bool
}

func (s *scanner) errorf(format string, args ...any) error {
	return &JSONError{Offset: int64(s.pos), Reason: fmt.Sprintf(format, args...)}
}

// skipSpace skips whitespace. Runs of spaces, the indentation of every
// record Seal writes, are skipped up to eight bytes at a time.
func (s *scanner) skipSpace() {
	const spaces = 0x2020202020202020
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ':
			if s.pos+8 <= len(s.data) {
				s.pos += bits.TrailingZeros64(binary.LittleEndian.Uint64(s.data[s.pos:])^spaces) / 8
			} else {
				s.pos++
			}
		case '\n', '\t', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) value() error {
	if s.pos >= len(s.data) {
		return s.errorf("unexpected end of input, expected a value")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(false)
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.str()
		return err
	case c == '-' || ('0' <= c && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	default:
		return s.errorf("invalid character %s, expected a value", quoteChar(s.data[s.pos:]))
	}
}

// quoteChar quotes the character at the start of b for an error message.
func quoteChar(b []byte) string {
	r, _ := utf8.DecodeRune(b)
	return strconv.QuoteRune(r)
}

func (s *scanner) literal(word string) error {
	end := s.pos + len(word)
	if end > len(s.data) || string(s.data[s.pos:end]) != word {
		return s.errorf("invalid literal, expected %s", word)
	}
	s.out = append(s.out, word...)
	s.pos = end
	return nil
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > MaxDepth {
		return s.errorf("nesting is deeper than %d levels", MaxDepth)
	}
	return nil
}

func (s *scanner) array() error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++
	s.out = append(s.out, '[')

	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.out = append(s.out, ']')
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if err := s.value(); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end of input in array")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.out = append(s.out, ',')
		case ']':
			s.pos++
			s.out = append(s.out, ']')
			s.depth--
			return nil
		default:
			return s.errorf("invalid character %s after array element", quoteChar(s.data[s.pos:]))
		}
	}
}

// object parses an object and writes its members sorted by key. Members that
// arrive in order, as in every file Seal writes, are written as they are read,
// and a key that does not sort after its predecessor switches the object to a
// sort at the end. At the top level, the chain members are captured and left out.
func (s *scanner) object(top bool) error {
	if err := s.enter(); err != nil {
		return err
	}
	objectOffset := s.pos
	s.pos++
	objectStart := len(s.out)
	s.out = append(s.out, '{')
	spanBase := len(s.spans)
	sorted := true
	written := 0

	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.out = append(s.out, '}')
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.errorf("expected a string key in object")
		}
		keyOffset := s.pos
		beforeMember := len(s.out)
		if written > 0 {
			s.out = append(s.out, ',')
		}
		start := len(s.out)
		key, err := s.str()
		if err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.errorf("expected ':' after object key")
		}
		s.pos++
		s.out = append(s.out, ':')
		s.skipSpace()
		valueStart := len(s.out)
		if err := s.value(); err != nil {
			return err
		}

		if len(s.spans) > spanBase {
			switch c := compareUTF16(s.spans[len(s.spans)-1].key, key); {
			case c == 0:
				s.pos = keyOffset
				return s.errorf("duplicate key %s", quoteKey(key))
			case c > 0:
				sorted = false
			}
		}

		span := memberSpan{key: key, start: start, end: len(s.out)}
		if top {
			if i := memberIndex(key); i >= 0 {
				start := len(s.memberBuf)
				s.memberBuf = append(s.memberBuf, s.out[valueStart:]...)
				s.members[i] = s.memberBuf[start:len(s.memberBuf):len(s.memberBuf)]
				if i < chainMemberCount {
					span.omit = true
					s.out = s.out[:beforeMember]
				}
			}
		}
		if !span.omit {
			written++
		}
		s.spans = append(s.spans, span)

		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end of input in object")
		}
		if s.data[s.pos] == ',' {
			s.pos++
			continue
		}
		if s.data[s.pos] != '}' {
			return s.errorf("invalid character %s after object member", quoteChar(s.data[s.pos:]))
		}
		s.pos++
		break
	}

	if !sorted {
		if err := s.sortMembers(objectOffset, objectStart, s.spans[spanBase:]); err != nil {
			return err
		}
	}
	s.out = append(s.out, '}')
	s.spans = s.spans[:spanBase]
	s.depth--
	return nil
}

// sortMembers rewrites the members of the object that starts at
// data[objectOffset] and out[objectStart] in key order. It rejects duplicate
// keys, which the in-order check cannot see once the order is broken.
func (s *scanner) sortMembers(objectOffset, objectStart int, spans []memberSpan) error {
	sortSpans(spans)
	for i := 1; i < len(spans); i++ {
		if compareUTF16(spans[i-1].key, spans[i].key) == 0 {
			s.pos = objectOffset
			return s.errorf("duplicate key %s in the object that starts here", quoteKey(spans[i].key))
		}
	}

	// The spans point into out, so the members are copied aside first.
	body := append(s.sortBuf[:0], s.out[objectStart+1:]...)
	s.sortBuf = body
	s.out = s.out[:objectStart+1]
	first := true
	for _, sp := range spans {
		if sp.omit {
			continue
		}
		if !first {
			s.out = append(s.out, ',')
		}
		first = false
		s.out = append(s.out, body[sp.start-objectStart-1:sp.end-objectStart-1]...)
	}
	return nil
}

// sortSpans sorts by key with an insertion sort for small objects, which is
// what unsorted objects in practice are, and falls back to a merge sort.
func sortSpans(spans []memberSpan) {
	if len(spans) <= 12 {
		for i := 1; i < len(spans); i++ {
			for j := i; j > 0 && compareUTF16(spans[j-1].key, spans[j].key) > 0; j-- {
				spans[j-1], spans[j] = spans[j], spans[j-1]
			}
		}
		return
	}
	mid := len(spans) / 2
	left := append([]memberSpan(nil), spans[:mid]...)
	right := append([]memberSpan(nil), spans[mid:]...)
	sortSpans(left)
	sortSpans(right)
	i, j := 0, 0
	for k := range spans {
		if j >= len(right) || (i < len(left) && compareUTF16(left[i].key, right[j].key) <= 0) {
			spans[k] = left[i]
			i++
		} else {
			spans[k] = right[j]
			j++
		}
	}
}

// quoteKey quotes a key for an error message, cut to 64 bytes.
func quoteKey(key []byte) string {
	const maxKey = 64
	if len(key) > maxKey {
		return strconv.Quote(string(key[:maxKey])) + "..."
	}
	return strconv.Quote(string(key))
}

// compareUTF16 compares two valid UTF-8 strings by their UTF-16 code units, the
// order RFC 8785 sorts keys in. UTF-8 byte order is code point order, and the
// two orders differ only where a code point above U+FFFF, whose first UTF-16
// unit is a surrogate, meets one in U+E000 to U+FFFF.
func compareUTF16(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return len(a) - len(b)
	}
	if a[i] < utf8.RuneSelf && b[i] < utf8.RuneSelf {
		return int(a[i]) - int(b[i])
	}

	// Both strings share the bytes before i, so they share the start of the
	// rune that contains byte i.
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRune(a[i:])
	rb, _ := utf8.DecodeRune(b[i:])
	ua, ub := firstUTF16Unit(ra), firstUTF16Unit(rb)
	if ua != ub {
		return ua - ub
	}
	return int(ra) - int(rb)
}

func firstUTF16Unit(r rune) int {
	if r >= 0x10000 {
		high, _ := utf16.EncodeRune(r)
		return int(high)
	}
	return int(r)
}

// stringStop marks the bytes that end the fast path through a string: the
// closing quote, a backslash, the control characters that JSON forbids and
// the bytes of multi-byte UTF-8 sequences, which are validated one by one.
var stringStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	return t
}()

// stringStopMask returns a mask whose lowest set bit is the high bit of the
// first byte of the little-endian word w that stringStop marks, or 0 when
// there is none. Bits above the lowest can be false positives, because
// the subtractions borrow across bytes, so only the lowest is meaningful.
func stringStopMask(w uint64) uint64 {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	quote := w ^ (ones * '"')
	backslash := w ^ (ones * '\\')
	return ((quote - ones) &^ quote & highs) |
		((backslash - ones) &^ backslash & highs) |
		((w - ones*0x20) &^ w & highs) |
		(w & highs)
}

// str parses a string, writes its canonical form and returns its decoded
// value. A string without escapes is its own canonical form: RFC 8785 writes
// every character literally except '"', '\\' and control characters.
func (s *scanner) str() ([]byte, error) {
	begin := s.pos + 1
	i := begin
	for {
		for i+8 <= len(s.data) {
			if stop := stringStopMask(binary.LittleEndian.Uint64(s.data[i:])); stop != 0 {
				i += bits.TrailingZeros64(stop) / 8
				break
			}
			i += 8
		}
		for i < len(s.data) && !stringStop[s.data[i]] {
			i++
		}
		if i >= len(s.data) || s.data[i] < utf8.RuneSelf {
			break
		}
		size, err := s.validRune(i)
		if err != nil {
			return nil, err
		}
		i += size
	}
	if i < len(s.data) && s.data[i] == '"' {
		s.out = append(s.out, s.data[s.pos:i+1]...)
		s.pos = i + 1
		return s.data[begin:i], nil
	}
	return s.escapedString(begin, i)
}

// validRune returns the length of the UTF-8 sequence at data[i], or an error
// when it is not valid UTF-8: truncated, overlong, a surrogate or above U+10FFFF.
func (s *scanner) validRune(i int) (int, error) {
	r, size := utf8.DecodeRune(s.data[i:])
	if r == utf8.RuneError && size <= 1 {
		s.pos = i
		return 0, s.errorf("invalid UTF-8 in string")
	}
	return size, nil
}

// escapedString decodes a string that has escapes, starting again at begin
// with the bytes up to i known to be plain.
func (s *scanner) escapedString(begin, i int) ([]byte, error) {
	decoded := append([]byte(nil), s.data[begin:i]...)
	for {
		if i >= len(s.data) {
			s.pos = i
			return nil, s.errorf("unexpected end of input in string")
		}
		c := s.data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			s.writeString(decoded)
			return decoded, nil
		case c < 0x20:
			s.pos = i
			return nil, s.errorf("control character U+%04X in string", c)
		case c >= utf8.RuneSelf:
			size, err := s.validRune(i)
			if err != nil {
				return nil, err
			}
			decoded = append(decoded, s.data[i:i+size]...)
			i += size
			continue
		case c != '\\':
			decoded = append(decoded, c)
			i++
			continue
		}

		if i+1 >= len(s.data) {
			s.pos = i
			return nil, s.errorf("unexpected end of input in string escape")
		}
		switch esc := s.data[i+1]; esc {
		case '"', '\\', '/':
			decoded = append(decoded, esc)
			i += 2
		case 'b':
			decoded = append(decoded, '\b')
			i += 2
		case 'f':
			decoded = append(decoded, '\f')
			i += 2
		case 'n':
			decoded = append(decoded, '\n')
			i += 2
		case 'r':
			decoded = append(decoded, '\r')
			i += 2
		case 't':
			decoded = append(decoded, '\t')
			i += 2
		case 'u':
			r, next, err := s.unicodeEscape(i)
			if err != nil {
				return nil, err
			}
			decoded = utf8.AppendRune(decoded, r)
			i = next
		default:
			s.pos = i
			return nil, s.errorf("invalid escape %s in string", quoteChar(s.data[i+1:]))
		}
	}
}

// unicodeEscape decodes the \uXXXX escape at data[i], and the low surrogate
// escape that must follow a high one. A lone surrogate is rejected, because it
// has no UTF-8 encoding and RFC 8785 requires well-formed strings.
func (s *scanner) unicodeEscape(i int) (rune, int, error) {
	first, ok := hex4(s.data, i+2)
	if !ok {
		s.pos = i
		return 0, 0, s.errorf("invalid \\u escape in string")
	}
	if !utf16.IsSurrogate(first) {
		return first, i + 6, nil
	}
	if first >= 0xDC00 {
		s.pos = i
		return 0, 0, s.errorf("lone low surrogate \\u%04x in string", first)
	}
	if i+7 >= len(s.data) || s.data[i+6] != '\\' || s.data[i+7] != 'u' {
		s.pos = i
		return 0, 0, s.errorf("high surrogate \\u%04x without a low surrogate", first)
	}
	second, ok := hex4(s.data, i+8)
	if !ok {
		s.pos = i + 6
		return 0, 0, s.errorf("invalid \\u escape in string")
	}
	if second < 0xDC00 || second > 0xDFFF {
		s.pos = i + 6
		return 0, 0, s.errorf("high surrogate \\u%04x followed by \\u%04x, not a low surrogate", first, second)
	}
	return utf16.DecodeRune(first, second), i + 12, nil
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// writeString writes a decoded string in the canonical form of RFC 8785: the
// two-character escapes where JSON has them, \u00xx with lowercase hex for
// other control characters, and every other character as itself.
func (s *scanner) writeString(decoded []byte) {
	const hexDigits = "0123456789abcdef"
	s.out = append(s.out, '"')
	for _, c := range decoded {
		switch {
		case c == '"' || c == '\\':
			s.out = append(s.out, '\\', c)
		case c == '\b':
			s.out = append(s.out, '\\', 'b')
		case c == '\f':
			s.out = append(s.out, '\\', 'f')
		case c == '\n':
			s.out = append(s.out, '\\', 'n')
		case c == '\r':
			s.out = append(s.out, '\\', 'r')
		case c == '\t':
			s.out = append(s.out, '\\', 't')
		case c < 0x20:
			s.out = append(s.out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		default:
			s.out = append(s.out, c)
		}
	}
	s.out = append(s.out, '"')
}

// number parses a number with the grammar of RFC 8259 and writes its canonical
// form, the shortest ECMAScript rendering of the nearest double.
func (s *scanner) number() error {
	start := s.pos
	i := s.pos
	if s.data[i] == '-' {
		i++
	}
	intStart := i
	switch {
	case i < len(s.data) && s.data[i] == '0':
		i++
		if i < len(s.data) && isDigit(s.data[i]) {
			s.pos = i
			return s.errorf("number has a leading zero")
		}
	case i < len(s.data) && isDigit(s.data[i]):
		for i < len(s.data) && isDigit(s.data[i]) {
			i++
		}
	default:
		s.pos = i
		return s.errorf("invalid number, expected a digit")
	}
	intDigits := i - intStart
	plain := true

	if i < len(s.data) && s.data[i] == '.' {
		plain = false
		i++
		fracStart := i
		for i < len(s.data) && isDigit(s.data[i]) {
			i++
		}
		if i == fracStart {
			s.pos = i
			return s.errorf("invalid number, expected a digit after the decimal point")
		}
	}
	if i < len(s.data) && (s.data[i] == 'e' || s.data[i] == 'E') {
		plain = false
		i++
		if i < len(s.data) && (s.data[i] == '+' || s.data[i] == '-') {
			i++
		}
		expStart := i
		for i < len(s.data) && isDigit(s.data[i]) {
			i++
		}
		if i == expStart {
			s.pos = i
			return s.errorf("invalid number, expected a digit in the exponent")
		}
	}
	token := s.data[start:i]

	// An integer of at most 15 digits is below 2^53 and is already in
	// canonical form, except for negative zero.
	if plain && intDigits <= 15 {
		if string(token) == "-0" {
			s.out = append(s.out, '0')
		} else {
			s.out = append(s.out, token...)
		}
		s.pos = i
		return nil
	}
	if out, ok := appendShortDecimal(s.out, token); ok {
		s.out = out
		s.pos = i
		return nil
	}

	if exceedsSafeInteger(token) {
		s.pos = start
		return s.errorf("number %s is outside ±(2^53−1)", quoteKey(token))
	}
	f, err := strconv.ParseFloat(string(token), 64)
	if err != nil {
		s.pos = start
		return s.errorf("invalid number %s", quoteKey(token))
	}
	text, err := jcs.NumberToJSON(f)
	if err != nil {
		s.pos = start
		return s.errorf("number %s has no canonical form: %v", quoteKey(token), err)
	}
	s.out = append(s.out, text...)
	s.pos = i
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// appendShortDecimal appends the canonical form of a number token without
// exponent that has at most 15 significant digits and, unless zero, an
// absolute value of at least 10^-6, such as a score of 0.75. It reports false
// for any other token, which then takes the general path.
//
// Any decimal of at most 15 significant digits survives the round trip through
// a double, so the shortest form that ECMAScript prints is the token itself,
// without trailing fraction zeros, and in plain notation within [10^-6, 10^21).
func appendShortDecimal(out, token []byte) ([]byte, bool) {
	intPart, fraction, found := bytes.Cut(token, []byte{'.'})
	if !found || bytes.ContainsAny(fraction, "eE") {
		return out, false
	}
	fraction = bytes.TrimRight(fraction, "0")
	negative := intPart[0] == '-'
	digits := intPart
	if negative {
		digits = digits[1:]
	}

	significant := len(fraction)
	if string(digits) == "0" {
		leadingZeros := len(fraction) - len(bytes.TrimLeft(fraction, "0"))
		if len(fraction) == 0 {
			return append(out, '0'), true // 0.0 and -0.0
		}
		if leadingZeros >= 6 {
			return out, false // below 10^-6, printed with an exponent
		}
		significant -= leadingZeros
	} else {
		significant += len(digits)
	}
	if significant > 15 {
		return out, false
	}

	out = append(out, intPart...)
	if len(fraction) > 0 {
		out = append(out, '.')
		out = append(out, fraction...)
	}
	return out, true
}

// exceedsSafeInteger reports whether the absolute value of a number token in
// the grammar of RFC 8259 exceeds 2^53−1. It compares decimal digits exactly,
// so that no rounding to a double and no size of exponent can mislead it.
func exceedsSafeInteger(token []byte) bool {
	const limit = "9007199254740991" // 2^53−1, 16 digits

	if token[0] == '-' {
		token = token[1:]
	}

	// Split the token into its significant digits and the position of the
	// decimal point relative to the first of them.
	var digits []byte
	pointAt := 0 // digits before the decimal point, counted from the first significant digit
	seenPoint := false
	i := 0
	for ; i < len(token) && (isDigit(token[i]) || token[i] == '.'); i++ {
		c := token[i]
		if c == '.' {
			seenPoint = true
			continue
		}
		if len(digits) == 0 && c == '0' {
			if seenPoint {
				pointAt--
			}
			continue
		}
		digits = append(digits, c)
		if !seenPoint {
			pointAt++
		}
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		return false
	}

	if i < len(token) {
		exponent, ok := parseExponent(token[i+1:])
		if !ok {
			// The exponent is beyond ±10^15: either huge or vanishingly small.
			return token[i+1] != '-'
		}
		pointAt += exponent
	}

	switch {
	case pointAt > len(limit):
		return true
	case pointAt < len(limit):
		return false
	}
	intPart := digits
	if len(intPart) > len(limit) {
		intPart = intPart[:len(limit)]
	}
	for len(intPart) < len(limit) {
		intPart = append(intPart, '0')
	}
	if c := string(intPart); c != limit {
		return c > limit
	}
	// Equal in the integer digits: any fraction makes the value larger.
	return len(digits) > len(limit)
}

// parseExponent parses the digits of an exponent with an optional sign. It
// reports false when the exponent is outside ±10^15, far beyond any value that
// can matter, so that the caller can decide by the sign alone.
func parseExponent(b []byte) (int, bool) {
	negative := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		negative = b[0] == '-'
		b = b[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) > 15 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	if negative {
		n = -n
	}
	return n, true
}
