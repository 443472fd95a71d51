// Package auth owns who a user is: password hashing and the password policy.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"zhicheng/internal/model"
)

// Params are the argon2id cost parameters. They are written into every hash,
// so raising them later only affects new hashes; old ones still verify.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8
}

// DefaultParams are the production costs: 64 MiB, 2 passes, 2 lanes — about
// the RFC 9106 second recommendation scaled to a modest server. A function, not
// a variable, so no caller can lower them for everyone.
func DefaultParams() Params { return Params{Memory: 64 * 1024, Time: 2, Threads: 2} }

const (
	saltLen = 16
	keyLen  = 32

	// Limits on what VerifyPassword will run. A hash string is data, and one
	// edited to ask for terabytes of memory must not take the server down.
	maxMemory = 4 * 1024 * 1024 // KiB, 4 GiB
	maxTime   = 64
	minSalt   = 8
	minKey    = 16
	maxKey    = 128
)

func (p Params) validate() error {
	switch {
	case p.Threads < 1:
		return errors.New("auth: argon2id threads must be at least 1")
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("auth: argon2id time must be 1..%d, got %d", maxTime, p.Time)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("auth: argon2id memory must be %d..%d KiB, got %d", 8*uint32(p.Threads), maxMemory, p.Memory)
	}
	return nil
}

// HashPassword hashes pw with DefaultParams.
func HashPassword(pw string) (string, error) {
	return HashPasswordWith(DefaultParams(), pw)
}

// HashPasswordWith hashes pw with argon2id and a fresh random salt, returning
// the PHC string form $argon2id$v=19$m=…,t=…,p=…$salt$hash (unpadded standard
// base64), the form other argon2 libraries read too.
func HashPasswordWith(p Params, pw string) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches encoded. The error is for a
// malformed or unsupported hash string, never for a wrong password.
func VerifyPassword(encoded, pw string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than p, so
// that a caller can store a fresh hash after a successful login once the
// defaults are raised. A malformed hash needs rehashing too.
func NeedsRehash(encoded string, p Params) bool {
	got, _, key, err := decodeHash(encoded)
	return err != nil || got != p || len(key) != keyLen
}

func decodeHash(encoded string) (p Params, salt, key []byte, err error) {
	fail := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("auth: malformed password hash: %s", why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want $argon2id$v=19$m=…,t=…,p=…$salt$hash")
	}
	if parts[1] != "argon2id" {
		return fail(fmt.Sprintf("unsupported algorithm %q", parts[1]))
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail(fmt.Sprintf("unsupported version %q", parts[2]))
	}

	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("want parameters m=…,t=…,p=…")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return fail(fmt.Sprintf("parameter %d should be %s=", i+1, name))
		}
		bits := 32
		if name == "p" {
			bits = 8
		}
		n, err := strconv.ParseUint(v, 10, bits)
		if err != nil {
			return fail(fmt.Sprintf("parameter %s: %v", name, err))
		}
		vals[i] = n
	}
	p = Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2])}
	if err := p.validate(); err != nil {
		return fail(err.Error())
	}

	b64 := base64.RawStdEncoding.Strict()
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < minSalt {
		return fail("bad salt")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < minKey || len(key) > maxKey {
		return fail("bad hash")
	}
	return p, salt, key, nil
}

// Password length bounds, in characters. 72 keeps hashing cost predictable and
// matches what users of other systems (bcrypt's limit) are used to.
const (
	minPasswordLen = 8
	maxPasswordLen = 72
)

const passwordFix = "密码须为8至72位，至少包含大写字母、小写字母、数字、符号中的三类，且不得包含身份证号、手机号、用户名等个人信息"

// CheckPasswordRules applies the password policy expected of a government
// system under 等级保护: 8 to 72 characters, at least three of upper-case,
// lower-case, digit and symbol (anything else, including spaces and Chinese
// characters, counts as a symbol), and none of the user's own identifiers
// inside it, matched case-insensitively. personal holds those identifiers (ID
// number, phone, username); empty ones are ignored. The refusal never quotes
// which identifier matched, since it may be the ID number.
func CheckPasswordRules(pw string, personal ...string) error {
	if n := utf8.RuneCountInString(pw); n < minPasswordLen || n > maxPasswordLen {
		return model.Invalid("password",
			fmt.Sprintf("密码长度应为%d至%d位，当前为%d位", minPasswordLen, maxPasswordLen, n),
			passwordFix)
	}

	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	classes := 0
	for _, has := range []bool{upper, lower, digit, symbol} {
		if has {
			classes++
		}
	}
	if classes < 3 {
		return model.Invalid("password",
			fmt.Sprintf("密码至少应包含大写字母、小写字母、数字、符号中的三类，当前只有%d类", classes),
			passwordFix)
	}

	lowerPW := strings.ToLower(pw)
	for _, s := range personal {
		s = strings.TrimSpace(s)
		if s != "" && strings.Contains(lowerPW, strings.ToLower(s)) {
			return model.Invalid("password",
				"密码不得包含身份证号、手机号、用户名等个人信息",
				passwordFix)
		}
	}
	return nil
}
