package pii

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreateKeyFile reads the master secret from path, or, when path does not
// exist, generates one and writes it there (64 hex characters and a newline,
// mode 0600). created reports which happened so the caller can tell the operator
// to back the new file up: losing it loses every encrypted ID number and phone.
// The parent directory must already exist.
func LoadOrCreateKeyFile(path string) (keys *Keys, created bool, err error) {
	keys, err = loadKeyFile(path)
	if err == nil {
		return keys, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}

	master := make([]byte, MasterSize)
	if _, err := rand.Read(master); err != nil {
		return nil, false, fmt.Errorf("pii: generate master secret: %w", err)
	}
	err = writeNew(path, []byte(hex.EncodeToString(master)+"\n"))
	if errors.Is(err, fs.ErrExist) {
		// Another process created the file between our read and our write; its key
		// may already be in use, so ours is the one to discard.
		keys, err = loadKeyFile(path)
		return keys, false, err
	}
	if err != nil {
		return nil, false, err
	}
	keys, err = NewKeys(master)
	if err != nil {
		return nil, false, err
	}
	return keys, true, nil
}

func loadKeyFile(path string) (*Keys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pii: read key file %s: %w", path, err)
	}
	master, err := ParseMaster(string(b))
	if err != nil {
		return nil, fmt.Errorf("pii: key file %s is malformed: %w", path, err)
	}
	return NewKeys(master)
}

// writeNew writes data to path so that path either does not exist or holds all
// of data, even across a crash: temp file, fsync, then a hard link, which unlike
// rename refuses to replace a file that appeared meanwhile (overwriting a key
// already in use would make its ciphertexts unreadable).
func writeNew(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("pii: create key file %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		f.Close()
		os.Remove(tmp) // after a successful link this only drops the temp name
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("pii: create key file %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("pii: write key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("pii: sync key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pii: close key file %s: %w", path, err)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("pii: install key file %s: %w", path, err)
	}
	// Make the new directory entry durable too; some platforms cannot sync a
	// directory, and the file's own data is already safe, so this is best effort.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
