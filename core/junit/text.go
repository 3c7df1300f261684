package junit

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/regtracker/regtracker/core"
)

// boundedText collects a text of any length in bounded memory: the first headMax bytes
// and the last tailMax bytes (a ring), plus the total length.
type boundedText struct {
	head    []byte
	ring    []byte // len(ring) == tailMax once the head is full
	ringPos int    // next write position in ring
	ringLen int    // bytes held in ring
	total   int64
	headMax int
	afterCR bool // the last write ended with a CR, whose LF may start the next
}

func newBoundedText(max int) *boundedText {
	head := max * 3 / 4
	return &boundedText{headMax: head, ring: make([]byte, max-head)}
}

func (t *boundedText) reset() {
	t.head = t.head[:0]
	t.ringPos, t.ringLen, t.total = 0, 0, 0
	t.afterCR = false
}

func (t *boundedText) empty() bool { return t.total == 0 }

// Write appends p with its line ends normalized as XML requires: CRLF and a lone CR
// become LF, so that a report written on Windows reads as the same report written
// elsewhere. A CRLF split between two writes counts once.
func (t *boundedText) Write(p []byte) {
	if t.afterCR && len(p) > 0 && p[0] == '\n' {
		p = p[1:]
	}
	t.afterCR = false
	for {
		i := bytes.IndexByte(p, '\r')
		if i < 0 {
			t.write(p)
			return
		}
		t.write(p[:i])
		t.write(lf)
		p = p[i+1:]
		if len(p) == 0 {
			t.afterCR = true
			return
		}
		if p[0] == '\n' {
			p = p[1:]
		}
	}
}

var lf = []byte{'\n'}

func (t *boundedText) write(p []byte) {
	if len(p) == 0 {
		return
	}
	t.total += int64(len(p))
	if room := t.headMax - len(t.head); room > 0 {
		n := min(room, len(p))
		t.head = append(t.head, p[:n]...)
		p = p[n:]
	}
	if len(p) == 0 || len(t.ring) == 0 {
		return
	}
	if len(p) >= len(t.ring) {
		p = p[len(p)-len(t.ring):]
		copy(t.ring, p)
		t.ringPos, t.ringLen = 0, len(t.ring)
		return
	}
	n := copy(t.ring[t.ringPos:], p)
	copy(t.ring, p[n:])
	t.ringPos = (t.ringPos + len(p)) % len(t.ring)
	t.ringLen = min(t.ringLen+len(p), len(t.ring))
}

func (t *boundedText) writeString(s string) { t.Write([]byte(s)) }

// String returns the text, or its head and tail around a marker saying how much was left
// out. Cuts fall on UTF-8 boundaries.
func (t *boundedText) String() string {
	return core.CleanText(t.raw())
}

func (t *boundedText) raw() string {
	if t.ringLen == 0 {
		return string(t.head)
	}
	// The ring's content in order.
	start := (t.ringPos - t.ringLen + len(t.ring)) % len(t.ring)
	tail := make([]byte, 0, t.ringLen)
	if start+t.ringLen <= len(t.ring) {
		tail = append(tail, t.ring[start:start+t.ringLen]...)
	} else {
		tail = append(tail, t.ring[start:]...)
		tail = append(tail, t.ring[:t.ringPos]...)
	}
	omitted := t.total - int64(len(t.head)) - int64(len(tail))
	if omitted == 0 {
		return string(t.head) + string(tail)
	}
	head := trimIncompleteRune(t.head)
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
		omitted++
	}
	return string(head) + "\n[... " + strconv.FormatInt(omitted, 10) + " bytes omitted ...]\n" + string(tail)
}

// special marks the bytes that make an attribute value more than its bytes: entities,
// line ends to normalize, NUL, and non-ASCII (which may be invalid UTF-8).
var special = func() (t [256]bool) {
	t['&'], t['\r'], t[0] = true, true, true
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// plain says whether v is ASCII without entities, CR or NUL: its string is itself.
func plain(v []byte) bool {
	for _, c := range v {
		if special[c] {
			return isClean(v) && bytes.IndexByte(v, '&') < 0 && bytes.IndexByte(v, '\r') < 0
		}
	}
	return true
}

// isClean says whether b is valid UTF-8 without NUL (see core.CleanText).
func isClean(b []byte) bool { return bytes.IndexByte(b, 0) < 0 && utf8.Valid(b) }

// normalizeLineEnds returns b with CRLF and lone CRs turned into LF.
func normalizeLineEnds(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), lf)
	return bytes.ReplaceAll(b, []byte{'\r'}, lf)
}

// trimIncompleteRune drops a multi-byte sequence cut off at the end of b.
func trimIncompleteRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// appendUnescaped appends s to dst with the predefined entities and character
// references decoded. Entities it does not know (declared in a DOCTYPE, or plain
// mistakes) stay as written: they are never resolved.
func appendUnescaped(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		r, n := decodeEntity(s)
		if n == 0 {
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		dst = utf8.AppendRune(dst, r)
		s = s[n:]
	}
}

// decodeEntity decodes the entity or character reference at the start of s (which
// begins with '&'). It returns the rune and the bytes used, or n == 0 when s does not
// start with one it knows.
func decodeEntity(s []byte) (r rune, n int) {
	end := -1
	for i := 1; i < len(s) && i < 12; i++ {
		if s[i] == ';' {
			end = i
			break
		}
	}
	if end < 2 {
		return 0, 0
	}
	name := s[1:end]
	switch string(name) {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	case "apos":
		return '\'', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	v, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return utf8.RuneError, end + 1
	}
	return rune(v), end + 1
}
