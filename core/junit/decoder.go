package junit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/regtracker/regtracker/core"
)

const (
	// DefaultMaxText bounds each collected text of a case (stack trace, system-out,
	// system-err): three quarters of it keep the head, one quarter the tail.
	DefaultMaxText = 64 << 10

	bufSize    = 256 << 10
	maxTagSize = 4 << 20 // a start tag, XML declaration or DOCTYPE must fit in this
	maxDepth   = 4096
)

// Error is a report that cannot be read: malformed XML, a truncated file, a root that is
// not a JUnit root, or a failure of the underlying reader. It names the file and line.
type Error struct {
	File string
	Line int
	Msg  string
	Err  error // the reader's error, if that is the cause
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// kind is what an open element means to the decoder.
type kind uint8

const (
	kOther kind = iota
	kSuites
	kSuite
	kCase
	kFailure
	kError
	kSkipped
	kFlaky
	kOut
	kErr
	kProperties // a suite's <properties>
	kProperty   // one <property> of them
)

type frame struct {
	kind    kind
	nameEnd int // end of this element's name in Decoder.names
}

// Decoder reads test cases from a JUnit XML stream. Its memory is bounded by the
// largest tag (at most 4 MiB) and the text limit, whatever the size of the input.
type Decoder struct {
	r    io.Reader
	file string

	buf      []byte
	pos, end int
	eof      bool
	lines    int // newlines before buf[counted], including discarded input
	counted  int

	stack  []frame
	names  []byte      // names of the open elements, concatenated
	suites []suiteInfo // the enclosing testsuites, outermost first
	// suiteCount numbers the testsuite elements as they open, so that the re-runs of a
	// test are sought within one suite element (see reruns.go).
	suiteCount int
	reruns     rerunQueue
	heldCase   core.Result // the case read last, not yet in reruns
	heldSuite  int
	held       bool
	root       int  // 0 before the root element, 1 inside it, 2 after it
	started    bool // the byte order mark and XML declaration are handled
	latin1     bool
	utf16      bool // the input is UTF-16, read through a transcoder to UTF-8
	err        error

	// The case being decoded.
	res       *core.Result
	done      bool
	decided   bool // a failure, error or skipped element has set res.Status
	flaky     bool
	sink      *boundedText
	sinkDepth int
	detail    *boundedText
	out, serr *boundedText
	scratch   []byte
	lastClass string
	lastSuite string
	inCase    bool   // inside a <testcase>
	todo      bool   // the case has a <skipped type="todo"> (Node's runner)
	notRun    string // the case's status attribute says it did not run (CTest)
}

// suiteInfo is what a case needs of an enclosing testsuite.
type suiteInfo struct {
	name string
	// path is the names of the suites from the outermost to this one, joined by " > ".
	path string
	id   int
	// node: the suite was written by Node's test runner, whose testsuites carry a
	// disabled count and no timestamp, and whose cases all have the classname "test".
	node bool
}

// NewDecoder returns a decoder reading r. name is used in error messages (a file path).
// maxText bounds each collected text of a case; 0 means DefaultMaxText.
func NewDecoder(r io.Reader, name string, maxText int) *Decoder {
	if maxText <= 0 {
		maxText = DefaultMaxText
	}
	return &Decoder{
		r:      r,
		file:   name,
		buf:    make([]byte, bufSize),
		detail: newBoundedText(maxText),
		out:    newBoundedText(maxText),
		serr:   newBoundedText(maxText),
	}
}

// Next decodes the next test case into res. It returns io.EOF after the last case of a
// well-formed report, and an *Error for anything else; after an error, every call
// returns the same error. Re-runs of a test within one suite come out as one result
// (see reruns.go).
func (d *Decoder) Next(res *core.Result) error {
	for {
		if d.reruns.next(res) {
			return nil
		}
		switch {
		case d.held:
			// The case read last waited for the cases before it to be returned.
			d.held = false
			d.reruns.add(d.heldCase, d.heldSuite)
			continue
		case d.err != nil:
			return d.err
		}
		err := d.decodeCase(&d.heldCase)
		switch {
		case err == io.EOF:
			d.reruns.endSuite()
			d.err = err
		case err != nil:
			d.err = err
			return err
		default:
			d.heldSuite = d.caseSuite().id
			if d.reruns.full(d.heldSuite) {
				d.reruns.endSuite()
				d.held = true
			} else {
				d.reruns.add(d.heldCase, d.heldSuite)
			}
		}
	}
}

// decodeCase decodes the next case of the report into res.
func (d *Decoder) decodeCase(res *core.Result) error {
	d.res, d.done = res, false
	for !d.done {
		if err := d.step(); err != nil {
			return err
		}
	}
	return nil
}

// caseSuite is the suite the case just decoded is in (id 0: none).
func (d *Decoder) caseSuite() suiteInfo {
	if len(d.suites) == 0 {
		return suiteInfo{}
	}
	return d.suites[len(d.suites)-1]
}

// Line returns the current line number (1-based).
func (d *Decoder) Line() int {
	d.lines += bytes.Count(d.buf[d.counted:d.pos], []byte{'\n'})
	d.counted = d.pos
	return d.lines + 1
}

func (d *Decoder) errorf(format string, args ...any) error {
	return &Error{File: d.file, Line: d.Line(), Msg: fmt.Sprintf(format, args...)}
}

// more reads more input, first dropping the buffer before keep. A full buffer grows up
// to maxTagSize. At the end of input it sets d.eof.
func (d *Decoder) more(keep int) error {
	if d.eof {
		return nil
	}
	if keep > 0 {
		if d.counted < keep {
			d.lines += bytes.Count(d.buf[d.counted:keep], []byte{'\n'})
			d.counted = keep
		}
		n := copy(d.buf, d.buf[keep:d.end])
		d.end, d.pos, d.counted = n, d.pos-keep, d.counted-keep
		if len(d.buf) > bufSize && n < bufSize/2 {
			d.buf = append(make([]byte, 0, bufSize), d.buf[:n]...)[:bufSize]
		}
	}
	if d.end == len(d.buf) {
		if len(d.buf) >= maxTagSize {
			return d.errorf("a single tag is longer than %d MiB", maxTagSize>>20)
		}
		d.buf = append(d.buf, make([]byte, len(d.buf))...)
	}
	n, err := d.r.Read(d.buf[d.end:])
	d.end += n
	switch {
	case err == io.EOF:
		d.eof = true
	case err != nil:
		e := d.errorf("reading failed").(*Error)
		e.Err = err
		if errors.Is(err, io.ErrUnexpectedEOF) {
			e.Msg = "the file is truncated"
		}
		return e
	}
	return nil
}

// ensure makes n bytes from d.pos available, if the input has them.
func (d *Decoder) ensure(n int) (bool, error) {
	for d.end-d.pos < n {
		if d.eof {
			return false, nil
		}
		if err := d.more(d.pos); err != nil {
			return false, err
		}
	}
	return true, nil
}

// step consumes one piece of the input: a run of text, a tag, a comment and so on.
func (d *Decoder) step() error {
	if !d.started {
		d.started = true
		if err := d.start(); err != nil {
			return err
		}
	}
	i := bytes.IndexByte(d.buf[d.pos:d.end], '<')
	if i < 0 {
		keep := 0
		if !d.eof && d.collecting() {
			keep = partialEntity(d.buf[d.pos:d.end])
		}
		if err := d.text(d.buf[d.pos : d.end-keep]); err != nil {
			return err
		}
		d.pos = d.end - keep
		if d.eof {
			return d.atEOF()
		}
		return d.more(d.pos)
	}
	if i > 0 {
		if err := d.text(d.buf[d.pos : d.pos+i]); err != nil {
			return err
		}
		d.pos += i
	}
	if ok, err := d.ensure(2); err != nil {
		return err
	} else if !ok {
		return d.errorf("unexpected end of file after '<'%s", d.openHint())
	}
	switch d.buf[d.pos+1] {
	case '/':
		return d.endTag()
	case '?':
		return d.skipUntil(2, "?>", "processing instruction")
	case '!':
		ok, err := d.ensure(9)
		if err != nil {
			return err
		}
		rest := d.buf[d.pos:d.end]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			return d.skipUntil(4, "-->", "comment")
		case ok && bytes.HasPrefix(rest, []byte("<![CDATA[")):
			return d.cdata()
		case ok && bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
			return d.doctype()
		}
		return d.errorf("malformed markup starting with %q", clip(rest, 12))
	}
	return d.startTag()
}

// start handles what may precede the first tag: a byte order mark and the XML
// declaration, which names the encoding.
func (d *Decoder) start() error {
	if _, err := d.ensure(5); err != nil {
		return err
	}
	b := d.buf[d.pos:d.end]
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		d.pos += 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		// UTF-16, as Windows tools (PowerShell's redirections among them) write: the rest
		// is read through a transcoder to UTF-8.
		order := unicode.LittleEndian
		if b[0] == 0xFE {
			order = unicode.BigEndian
		}
		read := bytes.Clone(b[2:])
		d.r = transform.NewReader(io.MultiReader(bytes.NewReader(read), d.r), unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder())
		d.pos, d.end, d.eof, d.utf16 = 0, 0, false, true
		if _, err := d.ensure(5); err != nil {
			return err
		}
	}
	if !bytes.HasPrefix(d.buf[d.pos:d.end], []byte("<?xml")) {
		return nil
	}
	end, err := d.findTagEnd(false)
	if err != nil {
		return err
	}
	decl := string(d.buf[d.pos+5 : end])
	if i := strings.Index(decl, "encoding"); i >= 0 {
		v := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n=")
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
			if j := strings.IndexByte(v[1:], v[0]); j >= 0 {
				switch enc := strings.ToLower(v[1 : j+1]); enc {
				case "utf-8", "utf8", "us-ascii", "ascii":
				case "utf-16", "utf16", "utf-16le", "utf-16be":
					if !d.utf16 {
						return &Error{File: d.file, Line: 1, Msg: "the declaration says UTF-16, but the file has no UTF-16 byte order mark"}
					}
				case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
					d.latin1 = true
				default:
					return &Error{File: d.file, Line: 1, Msg: fmt.Sprintf("encoding %q is not supported; convert the report to UTF-8", enc)}
				}
			}
		}
	}
	d.pos = end + 1
	return nil
}

// collecting reports whether text at the current position belongs to a collected text.
func (d *Decoder) collecting() bool { return d.sink != nil && len(d.stack) == d.sinkDepth }

// text handles character data between tags (entities still escaped).
func (d *Decoder) text(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if d.collecting() {
		if d.latin1 || bytes.IndexByte(b, '&') >= 0 {
			d.scratch = d.appendText(d.scratch[:0], b)
			d.sink.Write(d.scratch)
		} else {
			d.sink.Write(b)
		}
		return nil
	}
	if d.root == 1 {
		return nil
	}
	for i, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			d.pos += i // b starts at d.pos: the error names the line of the text itself
			if d.root == 0 {
				return d.errorf("not an XML report: text %q before the root element", clip(bytes.TrimSpace(b), 20))
			}
			return d.errorf("text %q after the root element", clip(bytes.TrimSpace(b), 20))
		}
	}
	return nil
}

// appendText appends b to dst, entities decoded and Latin-1 converted where declared.
func (d *Decoder) appendText(dst, b []byte) []byte {
	if !d.latin1 {
		return appendUnescaped(dst, b)
	}
	start := len(dst)
	dst = appendUnescaped(dst, b)
	// Bytes >= 0x80 are Latin-1 characters; entities decoded above are already UTF-8,
	// but a Latin-1 document rarely mixes both, and the result stays valid UTF-8.
	if utf8.Valid(dst[start:]) {
		return dst
	}
	conv := make([]byte, 0, len(dst)-start+16)
	for _, c := range dst[start:] {
		conv = utf8.AppendRune(conv, rune(c))
	}
	return append(dst[:start], conv...)
}

// partialEntity returns the length of an entity cut off at the end of b, which must be
// kept for the next read.
func partialEntity(b []byte) int {
	i := bytes.LastIndexByte(b, '&')
	if i < 0 || len(b)-i > 12 || bytes.IndexByte(b[i:], ';') >= 0 {
		return 0
	}
	return len(b) - i
}

// findTagEnd returns the index of the '>' that ends the tag at d.pos,
// skipping quoted values; brackets also nest for a DOCTYPE. The tag starts at d.pos; it
// may read more input, which moves the buffer, so the index returned is valid until the
// next read.
func (d *Decoder) findTagEnd(brackets bool) (int, error) {
	i, depth := d.pos+1, 0
	for {
		for i < d.end {
			c := d.buf[i]
			switch {
			case c == '>' && depth == 0:
				return i, nil
			case c == '"' || c == '\'':
				j := bytes.IndexByte(d.buf[i+1:d.end], c)
				if j < 0 {
					goto refill
				}
				i += j + 2
				continue
			case c == '<' && !brackets:
				return 0, d.errorf("malformed tag %q: '<' before '>'%s", clip(d.buf[d.pos:i], 40), d.openHint())
			case brackets && c == '[':
				depth++
			case brackets && c == ']':
				depth--
			}
			i++
		}
	refill:
		if d.eof {
			d.pos = d.end
			return 0, d.errorf("unexpected end of file inside a tag%s", d.openHint())
		}
		off := i - d.pos
		if err := d.more(d.pos); err != nil {
			return 0, err
		}
		i = d.pos + off
	}
}

// skipUntil skips a comment or processing instruction whose opening is openLen bytes
// long, up to just after terminator. It reads in bounded pieces.
func (d *Decoder) skipUntil(openLen int, terminator, what string) error {
	t := []byte(terminator)
	from := d.pos + openLen
	for {
		if j := bytes.Index(d.buf[from:d.end], t); j >= 0 {
			d.pos = from + j + len(t)
			return nil
		}
		if d.eof {
			d.pos = d.end
			return d.errorf("unexpected end of file inside a %s%s", what, d.openHint())
		}
		// The last bytes may begin the terminator: keep them.
		d.pos = max(from, d.end-len(t)+1)
		if err := d.more(d.pos); err != nil {
			return err
		}
		from = d.pos
	}
}

// cdata handles a CDATA section: its content is text, not markup.
func (d *Decoder) cdata() error {
	if d.root != 1 {
		return d.errorf("CDATA section outside the root element")
	}
	d.pos += len("<![CDATA[")
	for {
		j := bytes.Index(d.buf[d.pos:d.end], []byte("]]>"))
		if j >= 0 {
			d.rawText(d.buf[d.pos : d.pos+j])
			d.pos += j + 3
			return nil
		}
		if d.eof {
			d.pos = d.end
			return d.errorf("unexpected end of file inside a CDATA section%s", d.openHint())
		}
		cut := max(d.pos, d.end-2)
		d.rawText(d.buf[d.pos:cut])
		d.pos = cut
		if err := d.more(d.pos); err != nil {
			return err
		}
	}
}

// rawText collects CDATA content, which has no entities.
func (d *Decoder) rawText(b []byte) {
	if !d.collecting() || len(b) == 0 {
		return
	}
	if d.latin1 && !utf8.Valid(b) {
		d.scratch = d.scratch[:0]
		for _, c := range b {
			d.scratch = utf8.AppendRune(d.scratch, rune(c))
		}
		b = d.scratch
	}
	d.sink.Write(b)
}

// doctype skips a document type declaration. Nothing it declares is used: entities it
// defines, internal or external, are never expanded.
func (d *Decoder) doctype() error {
	if d.root != 0 {
		return d.errorf("DOCTYPE inside the document")
	}
	end, err := d.findTagEnd(true)
	if err != nil {
		return err
	}
	d.pos = end + 1
	return nil
}

// openHint names the innermost open element for error messages.
func (d *Decoder) openHint() string {
	if len(d.stack) == 0 {
		return ""
	}
	return fmt.Sprintf(" (inside <%s>)", d.topName())
}

func (d *Decoder) topName() []byte {
	n := len(d.stack)
	from := 0
	if n > 1 {
		from = d.stack[n-2].nameEnd
	}
	return d.names[from:d.stack[n-1].nameEnd]
}

func (d *Decoder) atEOF() error {
	switch {
	case d.root == 0:
		return &Error{File: d.file, Line: d.Line(), Msg: "no root element: the file is empty or is not an XML report"}
	case len(d.stack) > 0:
		return d.errorf("unexpected end of file: <%s> is not closed (is the file truncated?)", d.topName())
	}
	return io.EOF
}

func (d *Decoder) startTag() error {
	end, err := d.findTagEnd(false)
	if err != nil {
		return err
	}
	tag := d.buf[d.pos+1 : end]
	selfClose := len(tag) > 0 && tag[len(tag)-1] == '/'
	if selfClose {
		tag = tag[:len(tag)-1]
	}
	n := 0
	for n < len(tag) && !isSpace(tag[n]) {
		n++
	}
	name, attrs := tag[:n], tag[n:]
	if len(name) == 0 || !isNameStart(name[0]) {
		return d.errorf("malformed tag %q", clip(d.buf[d.pos:end+1], 40))
	}
	k := d.classify(name)
	switch d.root {
	case 0:
		if k != kSuites && k != kSuite {
			return d.errorf("the root element is <%s>, not <testsuites> or <testsuite>: this is not a JUnit report", clip(name, 40))
		}
		d.root = 1
	case 2:
		return d.errorf("a second root element <%s> after the end of the report", clip(name, 40))
	}
	if len(d.stack) >= maxDepth {
		return d.errorf("elements nested deeper than %d", maxDepth)
	}
	if err := d.open(k, attrs, selfClose); err != nil {
		return err
	}
	d.pos = end + 1
	if selfClose {
		d.close(k)
		return nil
	}
	d.names = append(d.names, name...)
	d.stack = append(d.stack, frame{kind: k, nameEnd: len(d.names)})
	return nil
}

func (d *Decoder) endTag() error {
	j := bytes.IndexByte(d.buf[d.pos:d.end], '>')
	for j < 0 {
		if d.eof {
			d.pos = d.end
			return d.errorf("unexpected end of file inside an end tag%s", d.openHint())
		}
		if err := d.more(d.pos); err != nil {
			return err
		}
		j = bytes.IndexByte(d.buf[d.pos:d.end], '>')
	}
	name := bytes.TrimRight(d.buf[d.pos+2:d.pos+j], " \t\r\n")
	if len(d.stack) == 0 {
		return d.errorf("unexpected end tag </%s>", clip(name, 40))
	}
	if top := d.topName(); !bytes.Equal(name, top) {
		return d.errorf("end tag </%s> does not close <%s>", clip(name, 40), clip(top, 40))
	}
	d.pos += j + 1
	f := d.stack[len(d.stack)-1]
	d.stack = d.stack[:len(d.stack)-1]
	if len(d.stack) > 0 {
		d.names = d.names[:d.stack[len(d.stack)-1].nameEnd]
	} else {
		d.names = d.names[:0]
	}
	d.close(f.kind)
	return nil
}

// classify says what an element with this name means where it opens.
func (d *Decoder) classify(name []byte) kind {
	parent := kOther
	if len(d.stack) > 0 {
		parent = d.stack[len(d.stack)-1].kind
	}
	inCase := d.inCase
	switch string(name) {
	case "testsuites":
		if !inCase {
			return kSuites
		}
	case "testsuite":
		if !inCase {
			return kSuite
		}
	case "testcase":
		if !inCase && d.root == 1 {
			return kCase
		}
	}
	switch {
	case parent == kSuite && string(name) == "properties":
		return kProperties
	case parent == kProperties && string(name) == "property":
		return kProperty
	case parent != kCase:
		return kOther
	}
	switch string(name) {
	case "failure":
		return kFailure
	case "error":
		return kError
	case "skipped":
		return kSkipped
	case "flakyFailure", "flakyError":
		return kFlaky
	case "system-out":
		return kOut
	case "system-err":
		return kErr
	}
	return kOther
}

// open acts on a start tag whose attributes are attrs.
func (d *Decoder) open(k kind, attrs []byte, selfClose bool) error {
	switch k {
	case kSuite:
		var name []byte
		disabled, timestamp := false, false
		err := d.eachAttr(attrs, func(n, v []byte) {
			switch string(n) {
			case "name":
				name = v
			case "disabled":
				disabled = true
			case "timestamp":
				timestamp = true
			}
		})
		// Node's runner writes a disabled count and no timestamp (CTest, which also
		// writes disabled, has one).
		node := disabled && !timestamp
		if err != nil {
			return err
		}
		if string(name) != d.lastSuite {
			d.lastSuite = d.string(name)
		}
		d.suiteCount++
		info := suiteInfo{name: d.lastSuite, path: d.lastSuite, id: d.suiteCount, node: node}
		if n := len(d.suites); n > 0 {
			info.path = d.suites[n-1].path + " > " + d.lastSuite
		}
		d.suites = append(d.suites, info)
	case kProperty:
		var name, value []byte
		err := d.eachAttr(attrs, func(n, v []byte) {
			switch string(n) {
			case "name":
				name = v
			case "value":
				value = v
			}
		})
		if err == nil && string(name) == "go.version" && len(value) > 0 && len(d.suites) > 0 {
			d.reruns.goSuite(d.suites[len(d.suites)-1].id)
		}
		return err
	case kCase:
		return d.openCase(attrs)
	case kFailure, kError, kSkipped:
		st := core.Skipped
		switch k {
		case kFailure:
			st = core.Failed
		case kError:
			st = core.Error
		}
		if d.decided && st <= d.res.Status {
			if k == kSkipped {
				// Only its type matters now: a todo test's failure does not count.
				return d.eachAttr(attrs, func(name, val []byte) {
					if string(name) == "type" && bytes.EqualFold(val, []byte("todo")) {
						d.todo = true
					}
				})
			}
			return nil
		}
		d.decided = true
		d.res.Status = st
		d.res.Message, d.res.Type = "", ""
		err := d.eachAttr(attrs, func(name, val []byte) {
			switch string(name) {
			case "message":
				d.res.Message = d.string(val)
			case "type":
				d.res.Type = d.string(val)
				if k == kSkipped && strings.EqualFold(d.res.Type, "todo") {
					d.todo = true
				}
			}
		})
		if err != nil {
			return err
		}
		d.detail.reset()
		d.setSink(d.detail, selfClose)
	case kFlaky:
		d.flaky = true
	case kOut:
		d.setSink(d.out, selfClose)
	case kErr:
		d.setSink(d.serr, selfClose)
	default:
		return d.eachAttr(attrs, nil)
	}
	return nil
}

func (d *Decoder) setSink(t *boundedText, selfClose bool) {
	if selfClose {
		return
	}
	if !t.empty() {
		t.writeString("\n")
	}
	d.sink, d.sinkDepth = t, len(d.stack)+1
}

func (d *Decoder) openCase(attrs []byte) error {
	*d.res = core.Result{}
	d.decided, d.flaky, d.inCase, d.todo, d.notRun = false, false, true, false, ""
	d.detail.reset()
	d.out.reset()
	d.serr.reset()
	var class []byte
	err := d.eachAttr(attrs, func(name, val []byte) {
		switch string(name) {
		case "classname":
			class = val
		case "name":
			d.res.Name = d.string(val)
		case "time":
			d.res.Duration = parseTime(val)
		case "status":
			for _, s := range notRunStatuses {
				if bytes.EqualFold(val, []byte(s)) {
					d.notRun = s
				}
			}
		}
	})
	if err != nil {
		return err
	}
	switch suite := d.caseSuite(); {
	case len(class) == 0 && suite.id != 0:
		d.res.Classname = suite.name
	case string(class) == "test" && suite.node:
		// Node's runner writes classname="test" on every case and a <testsuite> for
		// each describe: the path of suites tells "parser > handles empty input" from
		// "formatter > handles empty input".
		d.res.Classname = suite.path
	default:
		if string(class) != d.lastClass {
			d.lastClass = d.string(class)
		}
		d.res.Classname = d.lastClass
	}
	return nil
}

// close acts on the end of an element of kind k.
func (d *Decoder) close(k kind) {
	switch k {
	case kSuite:
		d.suites = d.suites[:len(d.suites)-1]
	case kCase:
		d.finishCase()
	case kFailure, kError, kSkipped, kOut, kErr:
		if d.sink != nil && d.sinkDepth == len(d.stack)+1 {
			d.sink = nil
		}
	}
	if len(d.stack) == 0 && d.root == 1 {
		d.root = 2
	}
}

// notRunStatuses are the values of a testcase's status attribute that say the test did
// not run (CTest writes disabled tests so, with no <skipped> child).
var notRunStatuses = []string{"disabled", "notrun", "skipped"}

func (d *Decoder) finishCase() {
	r := d.res
	switch {
	case !d.decided && d.notRun != "":
		r.Status, r.Message = core.Skipped, d.notRun
	case !d.decided:
		r.Status = core.Passed
	case d.todo:
		// A todo test that fails is not a failure (Node counts it as todo); its
		// failure's message stays.
		r.Status = core.Skipped
	}
	if r.Status == core.Skipped && r.Message == "true" && (strings.EqualFold(r.Type, "todo") || strings.EqualFold(r.Type, "skipped")) {
		r.Message = strings.ToLower(r.Type) // Node writes message="true"
	}
	r.Flaky = d.flaky && r.Status == core.Passed
	if d.decided && !d.detail.empty() {
		r.Details = d.detail.String()
		if r.Message == "" {
			r.Message = firstLine(r.Details)
		}
	}
	if !d.out.empty() {
		r.SystemOut = d.out.String()
	}
	if !d.serr.empty() {
		r.SystemErr = d.serr.String()
	}
	d.sink, d.inCase, d.done = nil, false, true
}

// eachAttr calls fn with the name and raw (still escaped) value of each attribute in
// attrs, checking their syntax.
func (d *Decoder) eachAttr(attrs []byte, fn func(name, val []byte)) error {
	for rest := attrs; ; {
		name, val, r, err := d.nextAttr(rest)
		if err != nil || name == nil {
			return err
		}
		if fn != nil {
			fn(name, val)
		}
		rest = r
	}
}

// nextAttr parses the first attribute of b: name, raw value, and the rest. name is nil
// when b holds no more attributes.
func (d *Decoder) nextAttr(b []byte) (name, val, rest []byte, err error) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return nil, nil, nil, nil
	}
	if i == 0 {
		return nil, nil, nil, d.errorf("malformed attributes %q", clip(b, 40))
	}
	j := i
	for j < len(b) && b[j] != '=' && !isSpace(b[j]) {
		j++
	}
	name = b[i:j]
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j == len(b) || b[j] != '=' {
		return nil, nil, nil, d.errorf("attribute %q has no value", clip(name, 40))
	}
	j++
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j == len(b) || (b[j] != '"' && b[j] != '\'') {
		return nil, nil, nil, d.errorf("the value of attribute %q is not quoted", clip(name, 40))
	}
	q := b[j]
	k := bytes.IndexByte(b[j+1:], q)
	if k < 0 {
		return nil, nil, nil, d.errorf("the value of attribute %q is not closed", clip(name, 40))
	}
	val = b[j+1 : j+1+k]
	rest = b[j+2+k:]
	if len(rest) > 0 && !isSpace(rest[0]) {
		return nil, nil, nil, d.errorf("no space after attribute %q", clip(name, 40))
	}
	return name, val, rest, nil
}

// string returns an attribute value as a string, line ends normalized, entities
// decoded, cleaned (core.CleanText).
func (d *Decoder) string(v []byte) string {
	if !d.latin1 && plain(v) {
		return string(v)
	}
	if bytes.IndexByte(v, '\r') >= 0 {
		v = normalizeLineEnds(v)
	}
	d.scratch = d.appendText(d.scratch[:0], v)
	return core.CleanText(string(d.scratch))
}

// parseTime reads a time attribute in seconds: "1.5", "1,234.5", "1e-3". Missing,
// unreadable, negative or infinite values count as 0.
func parseTime(b []byte) float64 {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	var tmp [64]byte
	if bytes.IndexByte(b, ',') >= 0 {
		n := 0
		for _, c := range b {
			if c != ',' && n < len(tmp) {
				tmp[n] = c
				n++
			}
		}
		b = tmp[:n]
	}
	// The string does not outlive the call: ParseFloat's error, which would keep it, is
	// dropped.
	v, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return v
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) > 500 {
		s = string(trimIncompleteRune([]byte(s[:500])))
	}
	return s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameStart(c byte) bool {
	return c == '_' || c == ':' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// clip shortens b for an error message.
func clip(b []byte, n int) string {
	if len(b) > n {
		return string(trimIncompleteRune(b[:n])) + "..."
	}
	return string(b)
}
