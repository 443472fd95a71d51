package auth

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"zhicheng/internal/model"
)

// cheap keeps the suite fast; the production parameters are exercised once.
var cheap = Params{Memory: 1024, Time: 1, Threads: 1}

func mustHash(t *testing.T, p Params, pw string) string {
	t.Helper()
	h, err := HashPasswordWith(p, pw)
	if err != nil {
		t.Fatalf("HashPasswordWith(%+v): %v", p, err)
	}
	return h
}

var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPassword_defaultFormat(t *testing.T) {
	if got, want := DefaultParams(), (Params{65536, 2, 2}); got != want {
		t.Fatalf("DefaultParams() = %+v, want %+v", got, want)
	}
	h, err := HashPassword("Gansu#2024")
	if err != nil {
		t.Fatal(err)
	}
	m := phc.FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("hash %q is not a PHC argon2id string with 16-byte salt and 32-byte key", h)
	}
	if m[1] != "65536" || m[2] != "2" || m[3] != "2" {
		t.Errorf("parameters m=%s,t=%s,p=%s; want 65536, 2, 2", m[1], m[2], m[3])
	}
	ok, err := VerifyPassword(h, "Gansu#2024")
	if err != nil || !ok {
		t.Fatalf("VerifyPassword(default hash) = %v, %v", ok, err)
	}
}

func TestVerifyPassword(t *testing.T) {
	h := mustHash(t, cheap, "Gansu#2024")
	tests := []struct {
		pw   string
		want bool
	}{
		{"Gansu#2024", true},
		{"gansu#2024", false},
		{"Gansu#2024 ", false},
		{"Gansu#202", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.pw), func(t *testing.T) {
			got, err := VerifyPassword(h, tt.pw)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("VerifyPassword(%q) = %v, want %v", tt.pw, got, tt.want)
			}
		})
	}
}

func TestHashPassword_saltedAndParamsRecorded(t *testing.T) {
	a, b := mustHash(t, cheap, "Gansu#2024"), mustHash(t, cheap, "Gansu#2024")
	if a == b {
		t.Fatal("two hashes of one password are equal; salt not random")
	}
	if !strings.HasPrefix(a, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q does not record the parameters used", a)
	}
	// A hash made with other parameters still verifies: they are read from the string.
	other := mustHash(t, Params{Memory: 2048, Time: 3, Threads: 2}, "Gansu#2024")
	if ok, err := VerifyPassword(other, "Gansu#2024"); err != nil || !ok {
		t.Fatalf("VerifyPassword(other params) = %v, %v", ok, err)
	}
}

func TestHashPasswordWith_badParams(t *testing.T) {
	for _, p := range []Params{
		{Memory: 1024, Time: 0, Threads: 1},
		{Memory: 1024, Time: 1, Threads: 0},
		{Memory: 7, Time: 1, Threads: 1},
		{Memory: 1 << 30, Time: 1, Threads: 1},
	} {
		t.Run(fmt.Sprintf("%+v", p), func(t *testing.T) {
			if _, err := HashPasswordWith(p, "x"); err == nil {
				t.Fatal("accepted, want error")
			}
		})
	}
}

func TestVerifyPassword_malformed(t *testing.T) {
	good := mustHash(t, cheap, "Gansu#2024")
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"plain text", "Gansu#2024"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", with(1, "argon2i")},
		{"version 16", with(2, "v=16")},
		{"missing param", with(3, "m=1024,t=1")},
		{"params out of order", with(3, "t=1,m=1024,p=1")},
		{"non-numeric param", with(3, "m=lots,t=1,p=1")},
		{"threads overflow", with(3, "m=1024,t=1,p=256")},
		{"zero time", with(3, "m=1024,t=0,p=1")},
		{"huge memory", with(3, "m=4294967295,t=1,p=1")},
		{"bad salt base64", with(4, "!!!!")},
		{"short salt", with(4, "AAAA")},
		{"padded hash", with(5, parts[5]+"=")},
		{"short hash", with(5, "AAAA")},
		{"extra field", good + "$x"},
		{"missing hash", strings.Join(parts[:5], "$")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.in, "Gansu#2024")
			if err == nil || ok {
				t.Fatalf("VerifyPassword(%q) = %v, %v; want false and an error", tt.in, ok, err)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	h := mustHash(t, cheap, "Gansu#2024")
	tests := []struct {
		name    string
		encoded string
		p       Params
		want    bool
	}{
		{"same params", h, cheap, false},
		{"raised params", h, DefaultParams(), true},
		{"malformed", "garbage", cheap, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.encoded, tt.p); got != tt.want {
				t.Errorf("NeedsRehash = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckPasswordRules(t *testing.T) {
	const (
		idNumber = "62010219900101123X"
		phone    = "13812345678"
		username = "ZhangSan"
	)
	tests := []struct {
		name     string
		pw       string
		personal []string
		message  string // fragment of the refusal; "" means accepted
	}{
		{"three classes, no symbol", "Gansu2024", nil, ""},
		{"three classes, no upper", "gansu#2024", nil, ""},
		{"all four classes", "Gansu#2024", nil, ""},
		{"exactly 8", "Abcdef1!", nil, ""},
		{"exactly 72", "Aa1" + strings.Repeat("b", 69), nil, ""},
		{"Chinese counts as symbol", "甘肃gansu2024", nil, ""},
		{"space counts as symbol", "correct horse 42", nil, ""},
		{"7 characters", "Abcde1!", nil, "当前为7位"},
		{"73 characters", "Aa1" + strings.Repeat("b", 70), nil, "当前为73位"},
		{"empty", "", nil, "当前为0位"},
		{"runes not bytes", "甘肃甘肃A1", nil, "当前为6位"},
		{"lower only", "abcdefghij", nil, "当前只有1类"},
		{"lower and digits", "gansu2024", nil, "当前只有2类"},
		{"upper and symbols", "GANSU#$%!", nil, "当前只有2类"},
		{"contains phone", "Ab!" + phone, []string{idNumber, phone, username}, "个人信息"},
		{"contains ID number, lower-case x", "Pw!" + strings.ToLower(idNumber), []string{idNumber, phone, username}, "个人信息"},
		{"contains username, other case", "zhangsan#2024", []string{idNumber, phone, username}, "个人信息"},
		{"personal with spaces trimmed", "zhangsan#2024", []string{" zhangsan "}, "个人信息"},
		{"empty personal ignored", "Gansu#2024", []string{"", "  ", phone}, ""},
		{"unrelated personal", "Gansu#2024", []string{idNumber, phone, username}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPasswordRules(tt.pw, tt.personal...)
			if tt.message == "" {
				if err != nil {
					t.Fatalf("CheckPasswordRules(%q) = %v, want accepted", tt.pw, err)
				}
				return
			}
			e, ok := model.AsError(err)
			if !ok {
				t.Fatalf("CheckPasswordRules(%q) = %v, want *model.Error", tt.pw, err)
			}
			if e.Kind != model.KindInvalid || e.Field != "password" {
				t.Errorf("Kind, Field = %q, %q; want invalid, password", e.Kind, e.Field)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("Message = %q, want it to contain %q", e.Message, tt.message)
			}
			if !strings.Contains(e.Fix, "8至72位") || !strings.Contains(e.Fix, "三类") {
				t.Errorf("Fix = %q does not say what is required", e.Fix)
			}
			for _, p := range tt.personal {
				if p != "" && strings.Contains(e.Error(), p) {
					t.Errorf("refusal %q quotes personal data %q", e.Error(), p)
				}
			}
		})
	}
}
