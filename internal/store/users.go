package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhicheng/internal/model"
)

// NewUser is a user as the store keeps it: personal data already encrypted by the caller,
// which holds the keys (the store never sees an ID number in clear).
type NewUser struct {
	OrgID          int64
	Username       string
	Name           string
	IDNumberEnc    []byte
	IDNumberIndex  string
	IDNumberMasked string
	PhoneEnc       []byte
	PhoneMasked    string
	EmailEnc       []byte // nil: no e-mail address
	EmailMasked    string
	PasswordHash   string
	Roles          []model.Role
	GrantedBy      int64
}

// Credentials is what logging in needs.
type Credentials struct {
	UserID       int64
	PasswordHash string
	Disabled     bool
}

const userColumns = "id, org_id, username, name, id_number_masked, phone_masked, email_masked, disabled, created_at_ms, version"

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var created int64
	err := row.Scan(&u.ID, &u.OrgID, &u.Username, &u.Name, &u.IDNumberMasked, &u.PhoneMasked, &u.EmailMasked, &u.Disabled, &created, &u.Version)
	u.Created = fromMS(created)
	return u, err
}

// CreateUser inserts a user with their roles and returns the id.
func (q *Q) CreateUser(ctx context.Context, u NewUser) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO users
		(org_id, username, name, id_number_enc, id_number_idx, id_number_masked, phone_enc, phone_masked, email_enc, email_masked, password_hash, created_at_ms, updated_at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		u.OrgID, u.Username, u.Name, u.IDNumberEnc, u.IDNumberIndex, u.IDNumberMasked, u.PhoneEnc, u.PhoneMasked, nullBytes(u.EmailEnc), u.EmailMasked, u.PasswordHash, ms(q.now)).Scan(&id)
	if isUniqueViolation(err) {
		if strings.Contains(err.Error(), "username") {
			return 0, &model.Error{Kind: model.KindConflict, Field: "username", Message: "登录账号 " + u.Username + " 已被使用", Fix: "请换一个登录账号"}
		}
		return 0, &model.Error{Kind: model.KindConflict, Field: "id_number", Message: "该身份证号已注册账号", Fix: "每人只能有一个账号；忘记密码请联系所在单位的系统管理员重置"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert user %q: %w", u.Username, err)
	}
	for _, r := range u.Roles {
		if err := q.GrantRole(ctx, id, r, u.GrantedBy); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// GrantRole gives user a role; granting a role already held does nothing.
func (q *Q) GrantRole(ctx context.Context, userID int64, r model.Role, by int64) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, granted_at_ms, granted_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, role) DO NOTHING`, userID, string(r), ms(q.now), nullID(by))
	if err != nil {
		return fmt.Errorf("grant %s to user %d: %w", r, userID, err)
	}
	return nil
}

// RevokeRole takes a role away.
func (q *Q) RevokeRole(ctx context.Context, userID int64, r model.Role) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1 AND role = $2`, userID, string(r)); err != nil {
		return fmt.Errorf("revoke %s from user %d: %w", r, userID, err)
	}
	return nil
}

// TouchUser bumps the version of a user if it is still v (optimistic concurrency for
// changes that span several rows, such as role edits).
func (q *Q) TouchUser(ctx context.Context, id, v int64) error {
	res, err := q.q.ExecContext(ctx, `UPDATE users SET version = version + 1, updated_at_ms = $1 WHERE id = $2 AND version = $3`, ms(q.now), id, v)
	if err != nil {
		return fmt.Errorf("update user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update user %d: %w", id, model.ErrConflict)
	}
	return nil
}

// User returns one user with roles.
func (q *Q) User(ctx context.Context, id int64) (model.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("read user %d: %w", id, err)
	}
	u.Roles, err = q.roles(ctx, id)
	return u, err
}

func (q *Q) roles(ctx context.Context, userID int64) ([]model.Role, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role`, userID)
	if err != nil {
		return nil, fmt.Errorf("read roles of user %d: %w", userID, err)
	}
	defer rows.Close()
	var roles []model.Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, fmt.Errorf("scan role: %w", err)
		}
		roles = append(roles, model.Role(r))
	}
	return sortRoles(roles), rows.Err()
}

// sortRoles puts roles in the display order of model.Roles.
func sortRoles(rs []model.Role) []model.Role {
	var out []model.Role
	for _, r := range model.Roles {
		for _, have := range rs {
			if have == r {
				out = append(out, r)
			}
		}
	}
	return out
}

// CredentialsByLogin finds the account for a login name, which is either the username or
// the blind index of an ID number (the caller computes it).
func (q *Q) CredentialsByLogin(ctx context.Context, username, idIndex string) (Credentials, error) {
	var c Credentials
	err := q.q.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = $1 OR id_number_idx = $2`,
		username, idIndex).Scan(&c.UserID, &c.PasswordHash, &c.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("login %q: %w", username, model.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("find login %q: %w", username, err)
	}
	return c, nil
}

// UserIDByIDIndex finds a user by the blind index of their ID number.
func (q *Q) UserIDByIDIndex(ctx context.Context, idIndex string) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `SELECT id FROM users WHERE id_number_idx = $1`, idIndex).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("user by id number: %w", model.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find user by id number: %w", err)
	}
	return id, nil
}

// PersonalEnc returns the encrypted ID number and phone of a user.
func (q *Q) PersonalEnc(ctx context.Context, id int64) (idNumber, phone []byte, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT id_number_enc, phone_enc FROM users WHERE id = $1`, id).Scan(&idNumber, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("user %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read personal data of user %d: %w", id, err)
	}
	return idNumber, phone, nil
}

// EmailEnc returns the encrypted e-mail address of a user; nil when they have none.
func (q *Q) EmailEnc(ctx context.Context, id int64) ([]byte, error) {
	var enc []byte
	err := q.q.QueryRowContext(ctx, `SELECT email_enc FROM users WHERE id = $1`, id).Scan(&enc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read e-mail address of user %d: %w", id, err)
	}
	return enc, nil
}

// SetEmail replaces a user's e-mail address (already encrypted and masked by the caller);
// a nil enc removes it.
func (q *Q) SetEmail(ctx context.Context, id int64, enc []byte, masked string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE users SET email_enc = $1, email_masked = $2, updated_at_ms = $3, version = version + 1 WHERE id = $4`,
		nullBytes(enc), masked, ms(q.now), id)
	if err != nil {
		return fmt.Errorf("set e-mail address of user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// nullBytes stores an absent value as NULL rather than an empty string of bytes.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// SetPassword replaces a user's password hash.
func (q *Q) SetPassword(ctx context.Context, id int64, hash string) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at_ms = $2, version = version + 1 WHERE id = $3`, hash, ms(q.now), id); err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

// SetDisabled enables or disables an account.
func (q *Q) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at_ms = $2, version = version + 1 WHERE id = $3`, disabled, ms(q.now), id); err != nil {
		return fmt.Errorf("set disabled of user %d: %w", id, err)
	}
	return nil
}

// UsersOfOrg lists the accounts of one organisation with their roles.
func (q *Q) UsersOfOrg(ctx context.Context, orgID int64) ([]model.User, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list users of org %d: %w", orgID, err)
	}
	defer rows.Close()
	var users []model.User
	index := map[int64]int{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		index[u.ID] = len(users)
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users of org %d: %w", orgID, err)
	}
	rows.Close()
	rr, err := q.q.QueryContext(ctx, `SELECT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list roles of org %d: %w", orgID, err)
	}
	defer rr.Close()
	for rr.Next() {
		var uid int64
		var role string
		if err := rr.Scan(&uid, &role); err != nil {
			return nil, fmt.Errorf("scan role: %w", err)
		}
		if i, ok := index[uid]; ok {
			users[i].Roles = append(users[i].Roles, model.Role(role))
		}
	}
	for i := range users {
		users[i].Roles = sortRoles(users[i].Roles)
	}
	return users, rr.Err()
}

// CountUsers counts all accounts (to tell a fresh database from a used one).
func (q *Q) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}
