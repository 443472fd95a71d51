package pii

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func testKeys(t *testing.T, fill byte) *Keys {
	t.Helper()
	k, err := NewKeys(bytes.Repeat([]byte{fill}, MasterSize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeys_masterLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if _, err := NewKeys(make([]byte, n)); err == nil {
				t.Fatalf("NewKeys(%d bytes) succeeded, want error", n)
			}
		})
	}
}

func TestNewKeys_derivedKeysDiffer(t *testing.T) {
	k := testKeys(t, 7)
	if bytes.Equal(k.enc[:], k.index[:encKeySize]) {
		t.Fatal("encryption and index keys share bytes; labels not applied")
	}
}

func TestKeys_notPrinted(t *testing.T) {
	k := testKeys(t, 0xab)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, k); strings.Contains(s, "171") || strings.Contains(s, "ab") {
			t.Errorf("%s printed key material: %q", verb, s)
		}
	}
}

func TestParseMaster(t *testing.T) {
	good := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"lower hex", good, true},
		{"upper hex", strings.ToUpper(good), true},
		{"surrounding whitespace", "  " + good + "\n", true},
		{"empty", "", false},
		{"too short", good[:62], false},
		{"too long", good + "00", false},
		{"not hex", strings.Repeat("g", 64), false},
		{"inner space", good[:31] + " " + good[32:], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseMaster(tt.in)
			if tt.ok {
				if err != nil || len(b) != MasterSize {
					t.Fatalf("ParseMaster = %d bytes, %v; want %d bytes", len(b), err, MasterSize)
				}
				return
			}
			if err == nil {
				t.Fatal("ParseMaster succeeded, want error")
			}
			if strings.Contains(err.Error(), "gggg") {
				t.Errorf("error quotes the secret: %v", err)
			}
		})
	}
}

func TestR_SEC_01_encryptRoundTrip(t *testing.T) {
	k := testKeys(t, 1)
	for _, pt := range []string{"", "13812345678", "11010519491231002X", "张三 甘肃省兰州市", strings.Repeat("x", 10000)} {
		t.Run(fmt.Sprintf("%.20s", pt), func(t *testing.T) {
			ct, err := k.Encrypt(pt, "users.id_number")
			if err != nil {
				t.Fatal(err)
			}
			if len(pt) > 4 && bytes.Contains(ct, []byte(pt)) {
				t.Fatal("ciphertext contains the plaintext")
			}
			if ct[0] != 1 {
				t.Fatalf("version byte = %d, want 1", ct[0])
			}
			got, err := k.Decrypt(ct, "users.id_number")
			if err != nil {
				t.Fatal(err)
			}
			if got != pt {
				t.Fatalf("round trip = %q, want %q", got, pt)
			}
		})
	}
}

func TestR_SEC_01_encryptIsRandomised(t *testing.T) {
	k := testKeys(t, 1)
	a, _ := k.Encrypt("13812345678", "users.phone")
	b, _ := k.Encrypt("13812345678", "users.phone")
	if bytes.Equal(a, b) {
		t.Fatal("two encryptions of the same text are equal; equal ciphertexts would leak equal values")
	}
}

func TestR_SEC_01_decryptRefuses(t *testing.T) {
	k := testKeys(t, 1)
	ct, err := k.Encrypt("11010519491231002X", "users.id_number")
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name    string
		keys    *Keys
		ct      []byte
		context string
	}{
		{"wrong context", k, ct, "users.phone"},
		{"empty context", k, ct, ""},
		{"wrong key", testKeys(t, 2), ct, "users.id_number"},
		{"tampered nonce", k, flip(1), "users.id_number"},
		{"tampered body", k, flip(1 + nonceSize), "users.id_number"},
		{"tampered tag", k, flip(len(ct) - 1), "users.id_number"},
		{"wrong version", k, flip(0), "users.id_number"},
		{"truncated", k, ct[:len(ct)-1], "users.id_number"},
		{"too short", k, ct[:1+nonceSize], "users.id_number"},
		{"empty", k, nil, "users.id_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tt.keys.Decrypt(tt.ct, tt.context); err == nil {
				t.Fatalf("Decrypt succeeded with %q, want error", got)
			}
		})
	}
}

func TestEncrypt_emptyContext(t *testing.T) {
	if _, err := testKeys(t, 1).Encrypt("x", ""); err == nil {
		t.Fatal("Encrypt with empty context succeeded, want error")
	}
}

func TestR_SEC_01_blindIndex(t *testing.T) {
	k1, k2 := testKeys(t, 1), testKeys(t, 2)
	base := k1.BlindIndex("users.id_number", "11010519491231002X")
	if len(base) != 64 || strings.Trim(base, "0123456789abcdef") != "" {
		t.Fatalf("BlindIndex = %q, want 64 lower-case hex characters", base)
	}
	if again := k1.BlindIndex("users.id_number", "11010519491231002X"); again != base {
		t.Fatalf("BlindIndex not deterministic: %q then %q", base, again)
	}
	differ := []struct {
		name string
		got  string
	}{
		{"other value", k1.BlindIndex("users.id_number", "110105194912310021")},
		{"other context", k1.BlindIndex("users.phone", "11010519491231002X")},
		{"other key", k2.BlindIndex("users.id_number", "11010519491231002X")},
		{"separator shift", k1.BlindIndex("users.id_number1", "1010519491231002X")},
	}
	for _, tt := range differ {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got == base {
				t.Fatalf("BlindIndex collides with the base case: %q", tt.got)
			}
		})
	}
	if strings.Contains(base, "11010519491231002") {
		t.Fatal("index contains the value")
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pii.key")

	k1, created, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Fatal("created = false for a new file")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("key file mode = %o, want 600", perm)
	}
	b, _ := os.ReadFile(path)
	if len(b) != 65 || b[64] != '\n' {
		t.Fatalf("key file = %q, want 64 hex characters and a newline", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only the key file (temp file left behind?)", len(entries))
	}

	k2, created, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if created {
		t.Fatal("created = true for an existing file")
	}
	ct, err := k1.Encrypt("13812345678", "users.phone")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k2.Decrypt(ct, "users.phone"); err != nil || got != "13812345678" {
		t.Fatalf("reloaded keys decrypt = %q, %v", got, err)
	}
	if k1.BlindIndex("c", "v") != k2.BlindIndex("c", "v") {
		t.Fatal("reloaded keys give another blind index")
	}
}

func TestLoadOrCreateKeyFile_refuses(t *testing.T) {
	tests := []struct {
		name, content string
	}{
		{"empty", ""},
		{"short", strings.Repeat("a", 63) + "\n"},
		{"not hex", strings.Repeat("z", 64) + "\n"},
		{"binary", string(bytes.Repeat([]byte{0xff}, 32))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pii.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := LoadOrCreateKeyFile(path)
			if err == nil {
				t.Fatal("malformed key file accepted")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Error("malformed key file was overwritten; it may be the only copy of a damaged key")
			}
		})
	}
}

func TestLoadOrCreateKeyFile_missingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "pii.key")
	if _, _, err := LoadOrCreateKeyFile(path); err == nil {
		t.Fatal("created a key file in a missing directory, want error")
	}
}

func TestR_SEC_01_maskIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"620102199001011234", "6201**********1234"},
		{"62010219900101123X", "6201**********123X"},
		{"12345678", "********"},
		{"1234", "****"},
		{"123456789", "1234*6789"},
		{"甘肃省兰州市城关区某某街道", "甘肃省兰*****某某街道"},
		{"６２０１０２１９９００１０１１２３４", "６２０１**********１２３４"},
		{"证件号", "***"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := MaskIDNumber(tt.in)
			if got != tt.want {
				t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("MaskIDNumber(%q) = %q is not valid UTF-8", tt.in, got)
			}
		})
	}
}

func TestR_SEC_01_maskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"13812345678", "138****5678"},
		{"09318123456", "093****3456"},
		{"0931-8123456", "********3456"},
		{"+8613812345678", "**********5678"},
		{"1234", "****"},
		{"12", "**"},
		{"12345", "*2345"},
		{"１３８１２３４５６７８", "*******５６７８"},
		{"电话一三八一二三四五六七八", "*********五六七八"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := MaskPhone(tt.in)
			if got != tt.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("MaskPhone(%q) = %q is not valid UTF-8", tt.in, got)
			}
		})
	}
}

func TestR_SEC_01_maskEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"zhangsan@example.com", "zh***@example.com"},
		{"zhang@example.com", "zh***@example.com"},
		{"abcd@qq.com", "ab***@qq.com"},
		{"abc@qq.com", "a***@qq.com"},
		{"ab@qq.com", "a***@qq.com"},
		{"a@qq.com", "***@qq.com"},
		{"@qq.com", "***@qq.com"},
		{"张三丰@例子.中国", "张***@例子.中国"},
		{"no-at-sign", "**********"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := MaskEmail(tt.in)
			if got != tt.want {
				t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("MaskEmail(%q) = %q is not valid UTF-8", tt.in, got)
			}
		})
	}
}
