package scan

import (
	"testing"

	"socklab/internal/nstest"
)

// TestMain lets the namespace tests, which mostly wait, run side by side.
func TestMain(m *testing.M) { nstest.Main(m) }
