package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhicheng/internal/auth"
	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/pii"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Accounts owns users, roles, logins and API tokens.
type Accounts struct{ d Deps }

// Contexts of the encrypted columns: a ciphertext copied into another column fails to decrypt.
const (
	ctxIDNumber = "users.id_number"
	ctxPhone    = "users.phone"
	ctxEmail    = "users.email"
)

// Login throttling (stored in the database so that every instance counts the same).
const (
	maxFailuresPerAccount = 5
	maxFailuresPerAddress = 50
	lockout               = 15 * time.Minute
)

// UserInput is a new account as typed in a form.
type UserInput struct {
	OrgID    int64
	Username string
	Name     string
	IDNumber string
	Phone    string
	Email    string // optional: where notifications are mailed
	Password string
	Roles    []model.Role
}

var (
	usernamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{3,31}$`)
	phonePattern    = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
)

// validate checks every field and returns all problems at once (R-ELG-10 style).
func (s *Accounts) validate(in *UserInput) model.Errors {
	var errs model.Errors
	in.Username = strings.TrimSpace(in.Username)
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	if !usernamePattern.MatchString(in.Username) {
		errs = append(errs, model.Invalid("username", "登录账号格式不正确", "4–32 位，以字母开头，只含字母、数字、下划线、点或连字符"))
	}
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 30 {
		errs = append(errs, model.Invalid("name", "姓名应为 2–30 个字", "请填写与身份证一致的真实姓名"))
	}
	id, err := rules.ParseIDNumber(in.IDNumber, s.d.Now().In(shanghai))
	if err != nil {
		if e, ok := model.AsError(err); ok {
			errs = append(errs, e)
		} else {
			errs = append(errs, model.Invalid("id_number", "身份证号无效", "请填写 18 位居民身份证号码"))
		}
	} else {
		in.IDNumber = id.Number
	}
	if !phonePattern.MatchString(in.Phone) {
		errs = append(errs, model.Invalid("phone", "手机号码格式不正确", "请填写 11 位中国大陆手机号码"))
	}
	if email, err := checkEmail(in.Email); err != nil {
		errs = append(errs, err)
	} else {
		in.Email = email
	}
	if err := auth.CheckPasswordRules(in.Password, in.Username, in.IDNumber, in.Phone); err != nil {
		if e, ok := model.AsError(err); ok {
			errs = append(errs, e)
		}
	}
	return errs
}

// create inserts a validated user with personal data encrypted and masked.
func (s *Accounts) create(ctx context.Context, q *store.Q, in UserInput, by int64) (int64, error) {
	idEnc, err := s.d.Keys.Encrypt(in.IDNumber, ctxIDNumber)
	if err != nil {
		return 0, fmt.Errorf("encrypt id number: %w", err)
	}
	phoneEnc, err := s.d.Keys.Encrypt(in.Phone, ctxPhone)
	if err != nil {
		return 0, fmt.Errorf("encrypt phone: %w", err)
	}
	emailEnc, emailMasked, err := s.sealEmail(in.Email)
	if err != nil {
		return 0, err
	}
	hash, err := auth.HashPasswordWith(s.d.Password, in.Password)
	if err != nil {
		return 0, fmt.Errorf("hash password: %w", err)
	}
	return q.CreateUser(ctx, store.NewUser{
		OrgID: in.OrgID, Username: in.Username, Name: in.Name,
		IDNumberEnc: idEnc, IDNumberIndex: s.d.Keys.BlindIndex(ctxIDNumber, in.IDNumber), IDNumberMasked: pii.MaskIDNumber(in.IDNumber),
		PhoneEnc: phoneEnc, PhoneMasked: pii.MaskPhone(in.Phone), EmailEnc: emailEnc, EmailMasked: emailMasked,
		PasswordHash: hash, Roles: in.Roles, GrantedBy: by,
	})
}

// maxEmailBytes is the longest address SMTP can carry (RFC 5321: a 256-octet path, less
// the angle brackets).
const maxEmailBytes = 254

// emailDomain is a host name with at least two labels: what people's mailboxes have. It
// refuses address literals ([127.0.0.1]) and dotless names (zhangsan@qq, a common typo).
var emailDomain = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// checkEmail accepts "" (no address) or one plain address such as zhangsan@example.com,
// and returns it trimmed. A display name, angle brackets, a comment or a list would be
// read by net/mail as something other than what was typed, so those are refused rather
// than guessed at; so are non-ASCII addresses, which most relays cannot deliver.
func checkEmail(s string) (string, *model.Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > maxEmailBytes {
		return "", model.Invalid("email", "邮箱地址过长", fmt.Sprintf("邮箱地址不能超过 %d 个字符", maxEmailBytes))
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndex(s, "@")
	if err != nil || a.Name != "" || a.Address != s || !isASCII(s[:at]) || !emailDomain.MatchString(s[at+1:]) {
		return "", model.Invalid("email", "邮箱地址格式不正确", "请只填写一个常规邮箱地址，例如 zhangsan@example.com，不带姓名、空格或尖括号")
	}
	return s, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// sealEmail encrypts and masks an address for the store; "" is no address (nil, "").
func (s *Accounts) sealEmail(email string) ([]byte, string, error) {
	if email == "" {
		return nil, "", nil
	}
	enc, err := s.d.Keys.Encrypt(email, ctxEmail)
	if err != nil {
		return nil, "", fmt.Errorf("encrypt e-mail address: %w", err)
	}
	return enc, pii.MaskEmail(email), nil
}

// openEmail reads and decrypts a user's address; "" when they have none.
func (s *Accounts) openEmail(ctx context.Context, q *store.Q, userID int64) (string, error) {
	enc, err := q.EmailEnc(ctx, userID)
	if err != nil || enc == nil {
		return "", err
	}
	email, err := s.d.Keys.Decrypt(enc, ctxEmail)
	if err != nil {
		return "", fmt.Errorf("decrypt e-mail address of user %d: %w", userID, err)
	}
	return email, nil
}

// SetEmail sets the actor's own e-mail address, or removes it when email is empty. It acts
// on the actor's own account only, so nobody can redirect another person's notifications.
// The audit entry holds the masked addresses only (R-SEC-01).
func (s *Accounts) SetEmail(ctx context.Context, a model.Actor, email string) error {
	if err := require(a, authz.SignedIn); err != nil {
		return err
	}
	email, verr := checkEmail(email)
	if verr != nil {
		return verr
	}
	enc, masked, err := s.sealEmail(email)
	if err != nil {
		return err
	}
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		u, err := q.User(ctx, a.UserID)
		if err != nil {
			return err
		}
		old, err := s.openEmail(ctx, q, a.UserID)
		if err != nil {
			return err
		}
		if old == email {
			return nil // nothing changes, so nothing to audit
		}
		if err := q.SetEmail(ctx, a.UserID, enc, masked); err != nil {
			return err
		}
		e := event(a, "user.email", "user", a.UserID)
		e.Detail = detail(map[string]any{"from": u.EmailMasked, "to": masked})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("set e-mail address of user %d: %w", a.UserID, err)
	}
	return nil
}

// Email returns the actor's own e-mail address in clear ("" when none), for their account
// page; everyone else sees the masked copy on model.User.
func (s *Accounts) Email(ctx context.Context, a model.Actor) (string, error) {
	if err := require(a, authz.SignedIn); err != nil {
		return "", err
	}
	var email string
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		email, err = s.openEmail(ctx, q, a.UserID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read e-mail address of user %d: %w", a.UserID, err)
	}
	return email, nil
}

// MailAddress returns the address notifications for userID go to ("" when the user has
// none). It is for the notification worker only, which acts for nobody: never call it on
// behalf of a request.
func (s *Accounts) MailAddress(ctx context.Context, userID int64) (string, error) {
	var email string
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		email, err = s.openEmail(ctx, q, userID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("mail address of user %d: %w", userID, err)
	}
	return email, nil
}

// Register creates an applicant account for oneself, in the unit or agency chosen.
func (s *Accounts) Register(ctx context.Context, in UserInput) (int64, error) {
	in.Roles = []model.Role{model.RoleApplicant}
	errs := s.validate(&in)
	var id int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		org, err := q.Org(ctx, in.OrgID)
		if errors.Is(err, model.ErrNotFound) || (err == nil && !org.Kind.Applies()) {
			errs = append(errs, model.Invalid("org_id", "请选择所在单位或档案托管机构", "非公有制企业、社会组织及灵活就业人员可选择档案所在的人才服务机构（R-ELG-05）"))
		} else if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if err := inForce(ctx, q, s.d, in.IDNumber, s.d.Now()); err != nil {
			return err
		}
		if id, err = s.create(ctx, q, in, 0); err != nil {
			return err
		}
		e := event(model.Actor{UserID: id, Name: in.Name, OrgID: in.OrgID}, "user.register", "user", id)
		e.ToState = "active"
		e.Detail = detail(map[string]any{"username": in.Username, "org_id": in.OrgID, "id_number": pii.MaskIDNumber(in.IDNumber), "email": pii.MaskEmail(in.Email), "roles": in.Roles})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("register %q: %w", in.Username, err)
	}
	return id, nil
}

// CreateUser is an administrator creating an account. An administrator manages their own
// organisation's accounts only; the office administrator may also create the first
// administrator of another organisation (someone has to).
func (s *Accounts) CreateUser(ctx context.Context, a model.Actor, in UserInput) (int64, error) {
	if err := require(a, authz.ManageUsers); err != nil {
		return 0, err
	}
	errs := s.validate(&in)
	var id int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		org, err := q.Org(ctx, in.OrgID)
		if errors.Is(err, model.ErrNotFound) {
			return append(errs, model.Invalid("org_id", "所属机构不存在", "请选择已建立的机构"))
		}
		if err != nil {
			return err
		}
		if err := canManageIn(a, org, in.Roles); err != nil {
			return err
		}
		errs = append(errs, validRoles(in.Roles, org.Kind)...)
		if len(errs) > 0 {
			return errs
		}
		if id, err = s.create(ctx, q, in, a.UserID); err != nil {
			return err
		}
		e := event(a, "user.create", "user", id)
		e.ToState = "active"
		e.Detail = detail(map[string]any{"username": in.Username, "name": in.Name, "org_id": in.OrgID, "id_number": pii.MaskIDNumber(in.IDNumber), "phone": pii.MaskPhone(in.Phone), "email": pii.MaskEmail(in.Email), "roles": in.Roles})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create user %q: %w", in.Username, err)
	}
	return id, nil
}

func canManageIn(a model.Actor, org model.Org, roles []model.Role) error {
	if org.ID == a.OrgID || a.System {
		return nil
	}
	if a.OrgKind == model.OrgOffice && authz.Allowed(a, authz.ManageOrgs) && slices.Equal(roles, []model.Role{model.RoleSysAdmin}) {
		return nil
	}
	return &model.Error{Kind: model.KindForbidden, Message: "只能管理本机构的账号", Fix: "其他机构的账号由该机构的系统管理员管理（R-ORG-02）"}
}

func validRoles(roles []model.Role, kind model.OrgKind) model.Errors {
	var errs model.Errors
	for _, r := range roles {
		if !r.Valid() {
			errs = append(errs, model.Invalid("roles", "未知的角色 "+string(r), "请从列表中选择角色"))
		} else if !authz.RoleValidIn(r, kind) {
			errs = append(errs, model.Invalid("roles", r.Label()+"不能设在"+kind.Label(), "申报人只能属于用人单位或人才服务机构"))
		}
	}
	return errs
}

// SetRoles replaces a user's roles, if the user is still at version v.
func (s *Accounts) SetRoles(ctx context.Context, a model.Actor, userID, v int64, roles []model.Role) error {
	if err := require(a, authz.ManageUsers); err != nil {
		return err
	}
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		u, err := ownUser(ctx, q, a, userID)
		if err != nil {
			return err
		}
		org, err := q.Org(ctx, u.OrgID)
		if err != nil {
			return err
		}
		if errs := validRoles(roles, org.Kind); len(errs) > 0 {
			return errs
		}
		if userID == a.UserID && !slices.Contains(roles, model.RoleSysAdmin) {
			return model.Invalid("roles", "不能取消自己的系统管理员角色", "请由本机构另一位系统管理员操作")
		}
		if err := q.TouchUser(ctx, userID, v); err != nil {
			return err
		}
		for _, r := range u.Roles {
			if !slices.Contains(roles, r) {
				if err := q.RevokeRole(ctx, userID, r); err != nil {
					return err
				}
			}
		}
		for _, r := range roles {
			if err := q.GrantRole(ctx, userID, r, a.UserID); err != nil {
				return err
			}
		}
		e := event(a, "user.roles", "user", userID)
		e.Detail = detail(map[string]any{"from": u.Roles, "to": roles})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("set roles of user %d: %w", userID, err)
	}
	return nil
}

// SetDisabled disables or re-enables an account of the administrator's organisation.
func (s *Accounts) SetDisabled(ctx context.Context, a model.Actor, userID int64, disabled bool) error {
	if err := require(a, authz.ManageUsers); err != nil {
		return err
	}
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		u, err := ownUser(ctx, q, a, userID)
		if err != nil {
			return err
		}
		if userID == a.UserID {
			return model.Invalid("", "不能停用自己的账号", "请由本机构另一位系统管理员操作")
		}
		if err := q.SetDisabled(ctx, userID, disabled); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		e := event(a, action, "user", userID)
		e.FromState, e.ToState = state(u.Disabled), state(disabled)
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("set disabled of user %d: %w", userID, err)
	}
	return nil
}

// ownUser reads an account of the administrator's own organisation.
func ownUser(ctx context.Context, q *store.Q, a model.Actor, userID int64) (model.User, error) {
	u, err := q.User(ctx, userID)
	if err != nil {
		return u, err
	}
	if u.OrgID != a.OrgID {
		return model.User{}, notOwnOrg(userID)
	}
	return u, nil
}

// notOwnOrg is the refusal for another organisation's account: not found, so that an
// administrator cannot learn which ids exist elsewhere (R-ORG-02).
func notOwnOrg(userID int64) error {
	return fmt.Errorf("user %d of another org: %w", userID, model.ErrNotFound)
}

func state(disabled bool) string {
	if disabled {
		return "disabled"
	}
	return "active"
}

// ResetPassword sets a new password for an account of the administrator's organisation.
func (s *Accounts) ResetPassword(ctx context.Context, a model.Actor, userID int64, password string) error {
	if err := require(a, authz.ManageUsers); err != nil {
		return err
	}
	return s.setPassword(ctx, a, userID, password, "user.password_reset", func(u model.User) error {
		if u.OrgID != a.OrgID {
			return notOwnOrg(userID)
		}
		return nil
	})
}

// ChangePassword is a user changing their own password, proving the old one.
func (s *Accounts) ChangePassword(ctx context.Context, a model.Actor, old, password string) error {
	if err := require(a, authz.SignedIn); err != nil {
		return err
	}
	return s.setPassword(ctx, a, a.UserID, password, "user.password_change", func(u model.User) error {
		var c store.Credentials
		err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
			c, err = q.CredentialsByLogin(ctx, u.Username, "")
			return err
		})
		if err != nil {
			return err
		}
		if ok, _ := auth.VerifyPassword(c.PasswordHash, old); !ok {
			return model.Invalid("old_password", "原密码不正确", "请输入当前使用的密码")
		}
		return nil
	})
}

func (s *Accounts) setPassword(ctx context.Context, a model.Actor, userID int64, password, action string, check func(model.User) error) error {
	var u model.User
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { u, err = q.User(ctx, userID); return err })
	if err != nil {
		return fmt.Errorf("%s of user %d: %w", action, userID, err)
	}
	// Check the caller's right before any personal data is decrypted.
	if err := check(u); err != nil {
		return err
	}
	var idNumber, phone string
	err = s.d.DB.View(ctx, func(q *store.Q) (err error) {
		idEnc, phoneEnc, err := q.PersonalEnc(ctx, userID)
		if err != nil {
			return err
		}
		if idNumber, err = s.d.Keys.Decrypt(idEnc, ctxIDNumber); err != nil {
			return fmt.Errorf("decrypt id number: %w", err)
		}
		phone, err = s.d.Keys.Decrypt(phoneEnc, ctxPhone)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s of user %d: %w", action, userID, err)
	}
	if err := auth.CheckPasswordRules(password, u.Username, idNumber, phone); err != nil {
		return err
	}
	hash, err := auth.HashPasswordWith(s.d.Password, password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		if err := q.SetPassword(ctx, userID, hash); err != nil {
			return err
		}
		_, err := q.Audit(ctx, event(a, action, "user", userID))
		return err
	})
	if err != nil {
		return fmt.Errorf("%s of user %d: %w", action, userID, err)
	}
	return nil
}

// Authenticate checks a login name (username or ID number) and password, throttled per
// account and per client address, and returns the signed-in actor.
func (s *Accounts) Authenticate(ctx context.Context, login, password, addr string) (model.Actor, error) {
	login = strings.TrimSpace(login)
	subject, addrSubject := "login:"+strings.ToLower(login), "addr:"+addr
	since := s.d.Now().Add(-lockout)
	var c store.Credentials
	var lookupErr error
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		n, err := q.FailedLogins(ctx, subject, since)
		if err != nil {
			return err
		}
		m, err := q.FailedLogins(ctx, addrSubject, since)
		if err != nil {
			return err
		}
		if n >= maxFailuresPerAccount || m >= maxFailuresPerAddress {
			return &model.Error{Kind: model.KindTooMany, Message: "登录失败次数过多，账号已暂时锁定", Fix: fmt.Sprintf("请 %d 分钟后再试，或联系本单位系统管理员重置密码", int(lockout.Minutes()))}
		}
		c, lookupErr = q.CredentialsByLogin(ctx, login, s.d.Keys.BlindIndex(ctxIDNumber, strings.ToUpper(login)))
		if lookupErr != nil && !errors.Is(lookupErr, model.ErrNotFound) {
			return lookupErr
		}
		return nil
	})
	if err != nil {
		return model.Actor{}, err
	}
	ok := false
	if lookupErr == nil {
		ok, _ = auth.VerifyPassword(c.PasswordHash, password)
	} else {
		// Spend the same time as a real check, so response times do not tell which
		// accounts exist.
		auth.HashPasswordWith(s.d.Password, password)
	}
	ok = ok && !c.Disabled
	if err := s.d.DB.Update(ctx, func(q *store.Q) error {
		if err := q.RecordLogin(ctx, subject, ok); err != nil {
			return err
		}
		return q.RecordLogin(ctx, addrSubject, ok)
	}); err != nil {
		return model.Actor{}, fmt.Errorf("record login: %w", err)
	}
	if !ok {
		if lookupErr == nil && c.Disabled {
			return model.Actor{}, &model.Error{Kind: model.KindUnauthenticated, Message: "账号已停用", Fix: "请联系本单位系统管理员"}
		}
		return model.Actor{}, &model.Error{Kind: model.KindUnauthenticated, Field: "password", Message: "账号或密码不正确", Fix: fmt.Sprintf("连续失败 %d 次将锁定 %d 分钟", maxFailuresPerAccount, int(lockout.Minutes()))}
	}
	if auth.NeedsRehash(c.PasswordHash, s.d.Password) {
		// Hashes made with weaker parameters (older defaults, demo accounts) are upgraded
		// while the password is at hand.
		if hash, err := auth.HashPasswordWith(s.d.Password, password); err == nil {
			if err := s.d.DB.Update(ctx, func(q *store.Q) error { return q.SetPassword(ctx, c.UserID, hash) }); err != nil {
				s.d.Log.Warn("upgrade password hash", "user", c.UserID, "err", err)
			}
		}
	}
	return s.Actor(ctx, c.UserID)
}

// Actor loads the signed-in actor for a user id (each request, so that a disabled account
// or a changed role takes effect at once on every instance).
func (s *Accounts) Actor(ctx context.Context, userID int64) (model.Actor, error) {
	var a model.Actor
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		u, err := q.User(ctx, userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return &model.Error{Kind: model.KindUnauthenticated, Message: "账号已停用"}
		}
		org, err := q.Org(ctx, u.OrgID)
		if err != nil {
			return err
		}
		a = model.Actor{UserID: u.ID, Name: u.Name, OrgID: u.OrgID, OrgKind: org.Kind, OrgName: org.Name, Roles: u.Roles}
		return nil
	})
	return a, err
}

// User returns an account the actor may see: their own, or one of their organisation's
// when they administer it.
func (s *Accounts) User(ctx context.Context, a model.Actor, userID int64) (model.User, error) {
	var u model.User
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		u, err = q.User(ctx, userID)
		return err
	})
	if err != nil {
		return u, err
	}
	if u.ID != a.UserID && !(u.OrgID == a.OrgID && authz.Allowed(a, authz.ManageUsers)) {
		return model.User{}, fmt.Errorf("user %d: %w", userID, model.ErrNotFound)
	}
	return u, nil
}

// Personal returns the actor's own ID number and phone in clear.
func (s *Accounts) Personal(ctx context.Context, a model.Actor) (model.Personal, error) {
	var p model.Personal
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		idEnc, phoneEnc, err := q.PersonalEnc(ctx, a.UserID)
		if err != nil {
			return err
		}
		if p.IDNumber, err = s.d.Keys.Decrypt(idEnc, ctxIDNumber); err != nil {
			return fmt.Errorf("decrypt id number: %w", err)
		}
		p.Phone, err = s.d.Keys.Decrypt(phoneEnc, ctxPhone)
		return err
	})
	return p, err
}

// OrgUsers lists the accounts of the administrator's organisation with the R-ORG-01 check.
func (s *Accounts) OrgUsers(ctx context.Context, a model.Actor) ([]model.User, rules.OrgAccounts, error) {
	if err := require(a, authz.ManageUsers); err != nil {
		return nil, rules.OrgAccounts{}, err
	}
	var users []model.User
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		users, err = q.UsersOfOrg(ctx, a.OrgID)
		return err
	})
	if err != nil {
		return nil, rules.OrgAccounts{}, fmt.Errorf("list users of org %d: %w", a.OrgID, err)
	}
	return users, rules.CheckOrgAccounts(users), nil
}

// TokenPrefix marks zhicheng API tokens, so that a leaked one is recognisable by scanners.
const TokenPrefix = "zc_"

// CreateToken issues an API token for the actor, valid for the given days; the plain token
// is returned once and only its hash is kept.
func (s *Accounts) CreateToken(ctx context.Context, a model.Actor, name string, days int) (int64, string, error) {
	if err := require(a, authz.SignedIn); err != nil {
		return 0, "", err
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 60 {
		return 0, "", model.Invalid("name", "请填写令牌用途", "1–60 个字，例如“人事系统对接”")
	}
	if days < 1 || days > 366 {
		return 0, "", model.Invalid("days", "有效期应为 1–366 天", "令牌到期后可重新申请")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return 0, "", fmt.Errorf("generate token: %w", err)
	}
	token := TokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	var id int64
	err := s.d.DB.Update(ctx, func(q *store.Q) (err error) {
		if id, err = q.CreateToken(ctx, a.UserID, name, TokenHash(token), q.Now().Add(time.Duration(days)*24*time.Hour)); err != nil {
			return err
		}
		e := event(a, "token.create", "api_token", id)
		e.Detail = detail(map[string]any{"name": name, "days": days})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, "", fmt.Errorf("create api token: %w", err)
	}
	return id, token, nil
}

// TokenHash is how a token is stored: a plain SHA-256 is enough for 256 random bits, and
// cheap enough to run on every API request.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ActorByToken authenticates an API request.
func (s *Accounts) ActorByToken(ctx context.Context, token string) (model.Actor, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return model.Actor{}, &model.Error{Kind: model.KindUnauthenticated, Message: "API 令牌无效"}
	}
	hash := TokenHash(token)
	var userID int64
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		userID, err = q.TokenUser(ctx, hash)
		return err
	})
	if errors.Is(err, model.ErrNotFound) {
		return model.Actor{}, &model.Error{Kind: model.KindUnauthenticated, Message: "API 令牌无效、已过期或已撤销"}
	}
	if err != nil {
		return model.Actor{}, err
	}
	if err := s.d.DB.TouchToken(ctx, hash); err != nil {
		s.d.Log.Warn("touch api token", "err", err)
	}
	return s.Actor(ctx, userID)
}

// Tokens lists the actor's API tokens.
func (s *Accounts) Tokens(ctx context.Context, a model.Actor) ([]store.APIToken, error) {
	if err := require(a, authz.SignedIn); err != nil {
		return nil, err
	}
	var ts []store.APIToken
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		ts, err = q.Tokens(ctx, a.UserID)
		return err
	})
	return ts, err
}

// RevokeToken revokes one of the actor's tokens.
func (s *Accounts) RevokeToken(ctx context.Context, a model.Actor, id int64) error {
	if err := require(a, authz.SignedIn); err != nil {
		return err
	}
	return s.d.DB.Update(ctx, func(q *store.Q) error {
		if err := q.RevokeToken(ctx, a.UserID, id); err != nil {
			return err
		}
		_, err := q.Audit(ctx, event(a, "token.revoke", "api_token", id))
		return err
	})
}

// ResetPasswordAsSystem is the command-line operator resetting any account's password
// (for example the office administrator who forgot theirs).
func (s *Accounts) ResetPasswordAsSystem(ctx context.Context, a model.Actor, userID int64, password string) error {
	if !a.System {
		return model.ErrForbidden
	}
	return s.setPassword(ctx, a, userID, password, "user.password_reset", func(model.User) error { return nil })
}
