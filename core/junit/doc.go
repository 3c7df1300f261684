// Package junit decodes JUnit-style XML test reports as a stream.
//
// A Decoder reads from an io.Reader and hands out one core.Result per <testcase>, in
// document order, with memory that grows with neither the size of the file nor the size
// of any one text node: long texts (<system-out>, stack traces) keep a bounded head and
// tail. It accepts the dialects found in the wild: <testsuites> or a bare <testsuite>
// root, suites nested at any depth, Ant/Jenkins, Maven Surefire (flakyFailure,
// flakyError, rerunFailure, rerunError, several failures per case), JUnit 5, pytest,
// go-junit-report and gotestsum, PHPUnit, Jest.
//
// The scanner is the package's own: encoding/xml holds a whole text node in memory. It
// checks what matters for a report to be trusted (tags nest and close, attributes are
// well formed, there is exactly one root and it is a JUnit root) and is lenient where
// producers are sloppy (unknown entities are kept as written). It never resolves
// external entities: a DOCTYPE is skipped, and entities it declares stay unexpanded.
package junit
