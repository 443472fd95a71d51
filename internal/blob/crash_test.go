package blob

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// crashChildEnv makes the test binary a child that puts blobs until it is killed.
const crashChildEnv = "ZHICHENG_BLOB_CRASH_DIR"

// TestDiskCrashSafety kills a process that is putting blobs (SIGKILL, at a random moment,
// three times over one directory) and then checks that every Put that returned is there
// intact, and that no file under the final layout is partial: leftovers may exist only
// under tmp/, which CleanTemp removes. A killed process keeps what it wrote in the page
// cache, so this tests the atomicity of the names, not the fsyncs (which only a power
// cut would test).
func TestDiskCrashSafety(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		putUntilKilled(dir)
		return
	}
	dir := t.TempDir()
	var returned []string
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDiskCrashSafety$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Whatever happens, the child does not outlive the round.
		guard := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
		killAfter, killed, n := 5+rand.IntN(30), false, 0
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sha := sc.Text(); hashPattern.MatchString(sha) {
				returned = append(returned, sha)
				n++
			}
			if n >= killAfter && !killed {
				// Land the kill anywhere in the next Put: copying, fsync, rename.
				time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
				cmd.Process.Kill() // SIGKILL
				killed = true
			}
		}
		err = cmd.Wait()
		guard.Stop()
		if !killed {
			t.Fatalf("round %d: the child stopped by itself after %d puts: %v\n%s", round, n, err, stderr.String())
		}
		t.Logf("round %d: killed after %d returned puts", round, n)
	}

	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, sha := range returned {
		if got := sha256.Sum256(readBlob(t, d, sha)); hex.EncodeToString(got[:]) != sha {
			t.Errorf("blob %s, whose Put returned, does not hash to its name", sha)
		}
	}
	files := diskBlobs(t, d)
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		name := hex.EncodeToString(sum[:])
		if filepath.Base(path) != name || path != d.path(name) {
			t.Errorf("%s under the final layout is partial or misplaced (content hashes to %s)", path, name)
		}
	}
	if len(files) < len(returned) {
		t.Errorf("%d files for %d returned puts", len(files), len(returned))
	}
	left, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	t.Logf("%d puts returned, %d blobs on disk, %d temporary leftovers", len(returned), len(files), len(left))
	if err := d.CleanTemp(0); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("CleanTemp left %d files", len(left))
	}
	if _, err := d.Put(ctx, bytes.NewReader([]byte("after the crash")), 100); err != nil {
		t.Fatalf("the store is unusable after the crash: %v", err)
	}
}

// putUntilKilled puts random blobs of up to 256 KiB and prints each returned hash on its
// own line; os.Stdout is unbuffered, so a printed hash is a Put that had returned.
func putUntilKilled(dir string) {
	d, err := NewDisk(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	seed := [32]byte{}
	binary.LittleEndian.PutUint64(seed[:], uint64(time.Now().UnixNano()))
	r := rand.NewChaCha8(seed)
	for stop := time.Now().Add(time.Minute); time.Now().Before(stop); {
		data := make([]byte, 1+r.Uint64()%(256<<10))
		r.Read(data)
		ref, err := d.Put(context.Background(), bytes.NewReader(data), 1<<20)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(ref.SHA256)
	}
	os.Exit(3) // the parent should have killed us long ago
}
