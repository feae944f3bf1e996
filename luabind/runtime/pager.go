package runtime

import (
	"context"
	"io"

	lua "github.com/yuin/gopher-lua"
)

// How help() meets the person's terminal, without the runtime knowing
// terminals: the shell tells it the width to wrap help to (SetHelpWidth,
// from the terminal's size) and gives it a pager for a REPL line's help
// (SetPager), which pages text longer than the screen. Scripts and piped
// output get neither: help is wrapped to 80 columns and written out.

// defaultHelpWidth is the width help wraps to when the shell set none, and
// minHelpWidth the narrowest it accepts.
const (
	defaultHelpWidth = 80
	minHelpWidth     = 40
)

// Pager shows text to the person, a screenful at a time if it is long. It
// runs without the lock; ctx is the calling task's (Ctrl-C).
type Pager func(ctx context.Context, text string)

// SetHelpWidth sets the width, in columns, that help() wraps its text to;
// 0 restores the default (80).
func (rt *Runtime) SetHelpWidth(cols int) { rt.helpWidth.Store(int32(cols)) }

// HelpWidth is the width help() wraps its text to.
func (rt *Runtime) HelpWidth() int {
	switch w := int(rt.helpWidth.Load()); {
	case w == 0:
		return defaultHelpWidth
	case w < minHelpWidth:
		return minHelpWidth
	default:
		return w
	}
}

// SetPager sets how help() called from a REPL line shows its text; nil
// (the default) writes it to Stdout. help() in a spawned task always
// writes: only the line the person typed may take the keyboard.
func (rt *Runtime) SetPager(p Pager) {
	if p == nil {
		rt.pager.Store(nil)
		return
	}
	rt.pager.Store(&p)
}

// showHelp shows help's text: through the pager from a foreground task,
// else written to Stdout.
func (rt *Runtime) showHelp(L *lua.LState, text string) {
	p := rt.pager.Load()
	if t := CurrentTask(L); p == nil || t == nil || t.background {
		io.WriteString(rt.Stdout(), text)
		return
	}
	Block(L, func(ctx context.Context) error {
		(*p)(ctx, text)
		return nil
	})
}
