package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/format"
)

// The followed Jenkins jobs are fetched in the background while the app runs (see
// core/follow): their new builds arrive as jobs, which the window's watch marks and
// notifies. A job that cannot be fetched gets a row in the Tasks panel saying why and
// since when, and its row in Settings says so too.

// startFollowing runs the follower until the app shuts down.
func (u *App) startFollowing() {
	u.follower = &follow.Follower{
		Deps: follow.Deps{Store: u.store, Cache: u.jenkinsCache(), Token: func(server, user string) (string, error) {
			if u.opts.Credentials == nil {
				return "", nil
			}
			return u.opts.Credentials.Get(server, user)
		}, Wait: func(j follow.Job, builds []int64) error { return u.opts.Jobs.SetWaiting(j.Server, j.Job, builds) }},
		Jobs:  u.opts.Jobs.Jobs,
		Every: u.opts.FollowEvery,
		Done: func(o follow.Outcome, s follow.Status) {
			for _, j := range o.Result.Imported {
				u.logRefresh(u.ctx, j.JobRef)
			}
			do(func() { u.tasks.followStatus(s) })
		},
	}
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		u.follower.Run(u.ctx)
	}()
}

func followKey(j follow.Job) string { return j.Server + "\x00" + j.Job }

// followStatus shows a followed job's trouble in the panel: a row while it fails, which
// says when it was reached again.
func (t *tasks) followStatus(s follow.Status) {
	k := followKey(s.Job)
	tk := t.following[k]
	if s.Outcome.OK() {
		if tk != nil {
			tk.info.SetText(fmt.Sprintf("Reached again at %s: %s.", s.Last.Format(time.TimeOnly), fetchSummary(s.Outcome)))
			delete(t.following, k)
		}
		return
	}
	if tk == nil {
		tk = &task{title: widget.NewLabelWithStyle("Following "+s.Job.Job+" into "+s.Job.Into, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			bar: widget.NewProgressBar(), info: widget.NewLabel("")}
		tk.info.Wrapping = fyne.TextWrapWord
		tk.button = widget.NewButtonWithIcon("Dismiss", theme.ConfirmIcon(), nil)
		tk.row = container.NewBorder(nil, nil, tk.title, tk.button, tk.info)
		tk.button.OnTapped = func() { t.list.Remove(tk.row); delete(t.following, k); t.show() }
		t.following[k] = tk
		t.list.Add(tk.row)
		t.show()
	}
	tk.info.SetText(followProblem(s))
}

// followProblem says why a job fails, since when, and when it is tried again.
func followProblem(s follow.Status) string {
	return fmt.Sprintf("Failing since %s (%s): %v. Next try at %s.", s.FailingSince.Format(time.TimeOnly),
		format.Counted(int64(s.Failures), "try"), s.Outcome.Problem(), s.Next.Format(time.TimeOnly))
}

func fetchSummary(o follow.Outcome) string {
	switch n := len(o.Result.Imported); n {
	case 0:
		return "no new build"
	case 1:
		return "1 build imported"
	default:
		return fmt.Sprintf("%d builds imported", n)
	}
}

// followSettings lists the remembered Jenkins jobs with their Follow switch, interval
// and state. A change applies at once.
func (u *App) followSettings() fyne.CanvasObject {
	jobs := u.mappings()
	if len(jobs) == 0 {
		l := widget.NewLabel("None remembered yet: Import from Jenkins remembers a job.")
		l.Importance = widget.LowImportance
		return l
	}
	status := map[string]follow.Status{}
	for _, s := range u.follower.Statuses() {
		status[followKey(s.Job)] = s
	}
	intervals := []string{"5m", "10m", "30m", "1h", "2h"}
	rows := container.NewVBox()
	for _, j := range jobs {
		state := widget.NewLabel(followState(j, status[followKey(j)]))
		state.Importance = widget.LowImportance
		state.Wrapping = fyne.TextWrapWord
		every := widget.NewSelect(intervals, nil)
		every.SetSelected(shortDuration(j.Interval()))
		on := widget.NewCheck(j.Job+" → "+j.Into, nil)
		on.SetChecked(j.Follow)
		apply := func() {
			d, _ := time.ParseDuration(every.Selected)
			if err := u.opts.Jobs.SetFollow(j.Server, j.Job, on.Checked, d); err != nil {
				u.showError("Following "+j.Job, err)
				return
			}
			j.Follow = on.Checked
			state.SetText(followState(j, status[followKey(j)]))
			u.follower.Wake()
		}
		on.OnChanged = func(bool) { apply() }
		every.OnChanged = func(string) { apply() }
		rows.Add(container.NewBorder(nil, state, nil, container.NewHBox(widget.NewLabel("every"), every), on))
	}
	return rows
}

func followState(j follow.Job, s follow.Status) string {
	switch {
	case !j.Follow:
		return "on " + j.Server + "; not followed"
	case s.Last.IsZero():
		return "on " + j.Server + "; followed, not fetched yet"
	case !s.Outcome.OK():
		return followProblem(s)
	}
	return fmt.Sprintf("on %s; fetched at %s: %s; next at %s", j.Server, s.Last.Format(time.TimeOnly), fetchSummary(s.Outcome), s.Next.Format(time.TimeOnly))
}

// shortDuration writes whole minutes and hours as the interval menu does ("10m", "1h").
func shortDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
