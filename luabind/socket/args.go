package socket

import (
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// Numeric arguments. Lua numbers are doubles: NaN, the infinities and huge
// values have no integer form, and a plain conversion turns them into
// -9223372036854775808, which then reads as "negative size" or "unknown
// address family -9223372036854775808". These helpers check the double
// first and say what was wrong with the number given. Fractions are
// truncated toward zero, as Lua 5.1's luaL_checkint does.

const (
	cIntMin = math.MinInt32
	cIntMax = math.MaxInt32
)

// intArg reads argument n as an integer within lo..hi; what names it in
// the message.
func intArg(L *lua.LState, n int, what string, lo, hi int) int {
	f := float64(L.CheckNumber(n))
	if f != f {
		L.ArgError(n, what+" must be a number, got nan")
	}
	if f < float64(lo) || f > float64(hi) {
		if lo == cIntMin && hi == cIntMax {
			L.ArgError(n, fmt.Sprintf("%s out of range, got %s", what, numText(f)))
		}
		L.ArgError(n, fmt.Sprintf("%s must be %d-%d, got %s", what, lo, hi, numText(f)))
	}
	return int(f)
}

// cInt reads argument n as a C int (flags, levels, option values).
func cInt(L *lua.LState, n int, what string) int { return intArg(L, n, what, cIntMin, cIntMax) }

// optCInt is cInt with a default for nil or an absent argument.
func optCInt(L *lua.LState, n int, what string, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return cInt(L, n, what)
}

// numText prints a number as Lua does ("1e+300", "inf", "nan").
func numText(f float64) string {
	switch {
	case f != f:
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return lua.LNumber(f).String()
}

// numberIn reads a Lua value as a number within lo..hi for a table field
// or option; ok is false when it is no number or out of range.
func numberIn(v lua.LValue, lo, hi int) (int, bool) {
	f, isNum := v.(lua.LNumber)
	if !isNum || f != f || float64(f) < float64(lo) || float64(f) > float64(hi) {
		return 0, false
	}
	return int(f), true
}
