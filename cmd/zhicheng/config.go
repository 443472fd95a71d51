package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/auth"
	"zhicheng/internal/blob"
	"zhicheng/internal/chsi"
	"zhicheng/internal/jobs"
	"zhicheng/internal/pii"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// Config is everything a deployment sets, from flags or ZHICHENG_* environment variables
// (flags win). It is built once in main and passed down; nothing reads it globally.
type Config struct {
	Addr         string // listen address
	DataDir      string // embedded default: SQLite file, key file, evidence files
	Database     string // postgres://… URL; empty = SQLite in DataDir
	Blobs        string // evidence storage: a directory, or s3://ACCESS:SECRET@host:port/bucket
	BaseURL      string
	KeyFile      string // personal-data key; default DataDir/pii.key (created on first start)
	Key          string // or the key itself (64 hex chars), e.g. from a secret store
	MetricsToken string
	Demo         bool
	LogFormat    string // text or json
	// CHSI is the education-records verifier behind [同步学信网]: "simulated" (the default,
	// made-up records for the demo), "off", or the https:// URL of the province's gateway,
	// called with the bearer token CHSIToken (ZHICHENG_CHSI_TOKEN only, never a flag).
	CHSI      string
	CHSIToken string
	// SMTP is host:port of the mail relay for notifications; empty: notifications are
	// logged. From, user and password come from ZHICHENG_SMTP_FROM/USER/PASSWORD.
	SMTP                             string
	SMTPFrom, SMTPUser, SMTPPassword string

	passwordCost auth.Params // zero: the production default; tests make hashing cheap
	// clock replaces the real clock of the services and the store (tests only; nil in
	// production: time.Now).
	clock func() time.Time
	// lapseEvery is how often serve lapses overdue applications (tests only; zero in
	// production: every minute).
	lapseEvery time.Duration
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// bindCommon registers the flags every command that opens the database shares.
func (c *Config) bindCommon(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", env("ZHICHENG_DATA", "./data"), "数据目录（SQLite 数据库、密钥文件、证明材料）")
	fs.StringVar(&c.Database, "database", env("ZHICHENG_DATABASE", ""), "PostgreSQL 连接串 postgres://…；留空使用数据目录中的 SQLite")
	fs.StringVar(&c.KeyFile, "key-file", env("ZHICHENG_KEY_FILE", ""), "个人信息加密主密钥文件（默认 <数据目录>/pii.key，首次启动自动生成）")
	c.Key = os.Getenv("ZHICHENG_KEY")
	c.LogFormat = env("ZHICHENG_LOG_FORMAT", "text")
}

// bindBlobs registers where the evidence files are (serve, blobs gc).
func (c *Config) bindBlobs(fs *flag.FlagSet) {
	fs.StringVar(&c.Blobs, "blobs", env("ZHICHENG_BLOBS", ""), "证明材料存储：目录或 s3://…（s3://ACCESS:SECRET@主机:端口/桶?secure=false，密钥也可放在 ZHICHENG_S3_ACCESS_KEY / ZHICHENG_S3_SECRET_KEY），默认 <数据目录>/blobs")
}

func (c *Config) bindServe(fs *flag.FlagSet) {
	c.bindCommon(fs)
	fs.StringVar(&c.Addr, "addr", env("ZHICHENG_ADDR", "127.0.0.1:8080"), "监听地址")
	c.bindBlobs(fs)
	fs.StringVar(&c.BaseURL, "base-url", env("ZHICHENG_BASE_URL", ""), "对外访问地址，如 https://zc.example.gov.cn（https 时启用 Secure Cookie 与 HSTS）")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("ZHICHENG_METRICS_TOKEN", ""), "访问 /metrics 所需的令牌（留空则不校验，请在网络层限制访问）")
	fs.BoolVar(&c.Demo, "demo", false, "首次启动时载入演示数据并打印演示账号")
	fs.StringVar(&c.CHSI, "chsi", env("ZHICHENG_CHSI", "simulated"), "学历核验（同步学信网）：simulated 为演示用模拟库，off 为不接入，或省政务数据共享交换平台接口的 https:// 地址（令牌放在 ZHICHENG_CHSI_TOKEN）")
	c.CHSIToken = os.Getenv("ZHICHENG_CHSI_TOKEN")
	fs.StringVar(&c.SMTP, "smtp", env("ZHICHENG_SMTP", ""), "通知邮件服务器 主机:端口（发件人、账号、密码放在 ZHICHENG_SMTP_FROM / ZHICHENG_SMTP_USER / ZHICHENG_SMTP_PASSWORD）；留空则通知只写入日志")
	c.SMTPFrom, c.SMTPUser, c.SMTPPassword = os.Getenv("ZHICHENG_SMTP_FROM"), os.Getenv("ZHICHENG_SMTP_USER"), os.Getenv("ZHICHENG_SMTP_PASSWORD")
}

// notifier builds where notifications go: the log, or the SMTP relay named by SMTP, which
// mails each user at the address lookup gives (decrypted from the store).
func (c *Config) notifier(log *slog.Logger, lookup func(ctx context.Context, userID int64) (string, error)) (jobs.Notifier, error) {
	if strings.TrimSpace(c.SMTP) == "" {
		return jobs.LogNotifier{Log: log}, nil
	}
	host, p, err := net.SplitHostPort(strings.TrimSpace(c.SMTP))
	port, perr := strconv.Atoi(p)
	if err != nil || perr != nil || host == "" {
		return nil, fmt.Errorf("--smtp / ZHICHENG_SMTP：应为 主机:端口")
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		return nil, fmt.Errorf("ZHICHENG_SMTP_FROM：应为发件人邮箱，如 zhicheng@example.gov.cn 或 职称系统 <zhicheng@example.gov.cn>")
	}
	log.Info("notifications: mailed through the SMTP relay; users without an e-mail address are skipped and logged", "smtp", c.SMTP, "from", c.SMTPFrom)
	return &jobs.SMTPNotifier{Host: host, Port: port, From: c.SMTPFrom, User: c.SMTPUser, Password: c.SMTPPassword, Log: log, Lookup: lookup}, nil
}

// verifier builds the education-records verifier named by CHSI; nil for "off". Empty (the
// commands that do not bind --chsi, and tests) is the simulated registry, without the log line.
func (c *Config) verifier(log *slog.Logger) (chsi.Verifier, error) {
	v := strings.TrimSpace(c.CHSI)
	switch {
	case v == "":
		return chsi.NewSimulated(), nil
	case v == "simulated":
		if c.Demo {
			log.Info("education records (同步学信网): simulated registry", "chsi", v)
		} else {
			// It "verifies" any well-formed number for anyone: fine for a demo, not for real applications.
			log.Warn("education records (同步学信网): simulated registry of made-up records, its answers shown as 学信网校验（模拟，仅供演示）; set --chsi to the gateway URL, or off, for real applications", "chsi", v)
		}
		return chsi.NewSimulated(), nil
	case v == "off":
		log.Info("education records (同步学信网): not connected; applicants upload the proofs", "chsi", v)
		return nil, nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("--chsi / ZHICHENG_CHSI：应为 simulated、off 或 https:// 开头的接口地址")
	}
	if c.CHSIToken == "" {
		log.Warn("education records (同步学信网): gateway without ZHICHENG_CHSI_TOKEN", "chsi", u.Redacted())
	} else {
		log.Info("education records (同步学信网): gateway", "chsi", u.Redacted())
	}
	return chsi.NewHTTP(v, c.CHSIToken, nil), nil
}

func (c *Config) dsn() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "zhicheng.db")
}

func (c *Config) logger(w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// keys loads the personal-data key: ZHICHENG_KEY, else the key file. Only the embedded
// default may generate a key file: several PostgreSQL instances must share one key, and a
// key silently generated on one of them would make the others' data unreadable.
func (c *Config) keys(log *slog.Logger) (*pii.Keys, error) {
	if c.Key != "" {
		master, err := pii.ParseMaster(c.Key)
		if err != nil {
			return nil, fmt.Errorf("ZHICHENG_KEY: %w", err)
		}
		return pii.NewKeys(master)
	}
	path := c.KeyFile
	if path == "" {
		if strings.HasPrefix(c.Database, "postgres") {
			return nil, fmt.Errorf("使用 PostgreSQL 时必须通过 ZHICHENG_KEY 或 --key-file 提供所有实例共用的个人信息加密密钥（可用 `openssl rand -hex 32` 生成）")
		}
		path = filepath.Join(c.DataDir, "pii.key")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	keys, created, err := pii.LoadOrCreateKeyFile(path)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("generated a new personal-data key; back it up with the database: without it ID numbers, phones and e-mail addresses cannot be read", "path", path)
	}
	return keys, nil
}

// open opens and migrates the database and builds the services over it.
func (c *Config) open(ctx context.Context, log *slog.Logger) (*store.DB, *service.Services, error) {
	db, deps, err := c.openDeps(ctx, log)
	if err != nil {
		return nil, nil, err
	}
	return db, service.New(deps), nil
}

// openDeps opens and migrates the database and returns the services' dependencies.
func (c *Config) openDeps(ctx context.Context, log *slog.Logger) (*store.DB, service.Deps, error) {
	var deps service.Deps
	verifier, err := c.verifier(log)
	if err != nil {
		return nil, deps, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, deps, fmt.Errorf("create data directory: %w", err)
	}
	keys, err := c.keys(log)
	if err != nil {
		return nil, deps, err
	}
	db, err := store.Open(ctx, c.dsn())
	if err != nil {
		return nil, deps, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, deps, err
	}
	if c.Blobs == "" {
		c.Blobs = filepath.Join(c.DataDir, "blobs")
	}
	blobs, err := blob.Open(ctx, c.Blobs)
	if err != nil {
		db.Close()
		return nil, deps, err
	}
	if c.clock != nil {
		db.SetClock(c.clock)
	}
	return db, service.Deps{DB: db, Blobs: blobs, Keys: keys, Log: log, Password: c.passwordCost, CHSI: verifier, Now: c.clock}, nil
}
