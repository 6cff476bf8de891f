package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPackIsReproducibleAndExecutable(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bootstrap")
	if err := os.WriteFile(bin, []byte("#!/bin/true\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	if err := pack(a, bin); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(bin, bin1980(), bin1980()); err != nil {
		t.Fatal(err)
	}
	if err := pack(b, bin); err != nil {
		t.Fatal(err)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatal("two packs of the same bootstrap differ")
	}
	zr, err := zip.OpenReader(a)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Fatalf("zip holds %v, want only bootstrap", zr.File)
	}
	if mode := zr.File[0].Mode(); mode.Perm() != 0o755 {
		t.Fatalf("bootstrap mode %v, want 0755 (Lambda must be able to exec it)", mode)
	}
}

func bin1980() time.Time { return time.Now().Add(-time.Hour) }
