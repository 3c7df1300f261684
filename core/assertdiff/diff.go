package assertdiff

// Op says which side a piece of a diff is on.
type Op int

const (
	Equal    Op = iota // in both
	Expected           // only in the expected value
	Actual             // only in the actual value
)

// Piece is a run of characters of a diff.
type Piece struct {
	Op   Op
	Text string
}

// maxDiffCells bounds the table of the longest common subsequence: beyond it the
// differing middle is shown as replaced whole.
const maxDiffCells = 1 << 20

// Diff returns the pieces that turn expected into actual, character by character: the
// common prefix and suffix, and between them a longest common subsequence.
func Diff(expected, actual string) []Piece {
	a, b := []rune(expected), []rune(actual)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out []Piece
	add := func(op Op, r []rune) {
		if len(r) == 0 {
			return
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += string(r)
			return
		}
		out = append(out, Piece{op, string(r)})
	}
	add(Equal, a[:pre])
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		add(Expected, ma)
		add(Actual, mb)
	} else {
		// lcs[i][j]: the longest common subsequence of ma[i:] and mb[j:].
		w := len(mb) + 1
		lcs := make([]int32, (len(ma)+1)*w)
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(ma) && j < len(mb) {
			switch {
			case ma[i] == mb[j]:
				add(Equal, ma[i:i+1])
				i, j = i+1, j+1
			case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				add(Expected, ma[i:i+1])
				i++
			default:
				add(Actual, mb[j:j+1])
				j++
			}
		}
		add(Expected, ma[i:])
		add(Actual, mb[j:])
	}
	add(Equal, a[len(a)-suf:])
	return out
}
