package dist

import "testing"

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"mixed case", "Friendly-Bard", "friendly-bard"},
		{"upper case", "FRIENDLY-BARD", "friendly-bard"},
		{"dot", "friendly.bard", "friendly-bard"},
		{"underscore", "friendly_bard", "friendly-bard"},
		{"double hyphen", "friendly--bard", "friendly-bard"},
		{"mixed run", "FrIeNdLy-._.-bArD", "friendly-bard"},
		{"already normal", "requests", "requests"},
		{"django", "Django", "django"},
		{"namespace dots", "oslo.concurrency", "oslo-concurrency"},
		{"leading and trailing runs", "__init__", "-init-"},
		{"digits", "Py3._.K", "py3-k"},
		{"empty", "", ""},
		{"non-ASCII kept", "Bärd_Tools", "bärd-tools"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"single letter", "a", true},
		{"single digit", "7", true},
		{"mixed case", "Friendly-Bard", true},
		{"all separators inside", "a-b_c.d", true},
		{"double dot", "a..b", true},
		{"separator run", "FrIeNdLy-._.-bArD", true},
		{"digits only", "123", true},
		{"empty", "", false},
		{"leading hyphen", "-a", false},
		{"trailing hyphen", "a-", false},
		{"leading dot", ".a", false},
		{"trailing underscore", "a_", false},
		{"only separator", "-", false},
		{"space", "a b", false},
		{"non-ASCII", "é", false},
		{"non-ASCII inside", "bärd", false},
		{"kelvin sign", "\u212a", false},
		{"trailing newline", "a\n", false},
		{"plus", "a+b", false},
		{"slash", "a/b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ValidName(tt.in); got != tt.want {
				t.Errorf("ValidName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestWheelName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"mixed case", "Friendly-Bard", "friendly_bard"},
		{"dot", "friendly.bard", "friendly_bard"},
		{"underscore", "friendly_bard", "friendly_bard"},
		{"mixed run", "FrIeNdLy-._.-bArD", "friendly_bard"},
		{"plain", "requests", "requests"},
		{"namespace dots", "zope.interface", "zope_interface"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := WheelName(tt.in); got != tt.want {
				t.Errorf("WheelName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
