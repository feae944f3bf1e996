package scan

import (
	"testing"

	"socklab/internal/scan/scantest"
)

// TestMain lets the namespace tests, which mostly wait, run side by side.
func TestMain(m *testing.M) { scantest.Main(m) }
