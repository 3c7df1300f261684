package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"

	"github.com/regtracker/regtracker/core/store"
)

// KeepOutOfDatabaseFiles makes Fyne's file repository, in this process, refuse to open,
// write, copy, move or delete the SQLite database at path and its companion files
// (-wal, -shm, -journal). Fyne's file dialog reads files whose extension it does not
// know, to guess their type (fyne.URI.MimeType), and closing that descriptor would
// release SQLite's POSIX locks on the database: nothing in the app's process may open
// the database's files but SQLite (DESIGN.md, "The database's files"). Refused files
// are still listed, with a generic icon. Call it once the app (its driver) exists.
func KeepOutOfDatabaseFiles(path string) error {
	r, err := repository.ForScheme("file")
	if err != nil {
		return fmt.Errorf("keeping the database out of Fyne's file repository: %w", err)
	}
	full, ok := r.(fileRepository)
	if !ok {
		return fmt.Errorf("keeping the database out of Fyne's file repository: it is a %T", r)
	}
	repository.Register("file", guardedFiles{fileRepository: full, isDatabase: store.DatabaseFiles(path)})
	return nil
}

// fileRepository is every interface Fyne's file repository implements, so that the
// guard keeps all of them.
type fileRepository interface {
	repository.AppendableRepository
	repository.DeleteAllRepository
	repository.ListableRepository
	repository.HierarchicalRepository
	repository.CopyableRepository
	repository.MovableRepository
}

type guardedFiles struct {
	fileRepository
	isDatabase func(path string) bool // see store.DatabaseFiles
}

// errDatabaseFile is what Fyne gets for the database's files.
type errDatabaseFile string

func (e errDatabaseFile) Error() string {
	return fmt.Sprintf("%s belongs to the open database and is only opened by SQLite", string(e))
}

// refuse is an error when u names the database or one of its companion files.
func (g guardedFiles) refuse(u fyne.URI) error {
	if u != nil && u.Scheme() == "file" && g.isDatabase(u.Path()) {
		return errDatabaseFile(u.Path())
	}
	return nil
}

func (g guardedFiles) Reader(u fyne.URI) (fyne.URIReadCloser, error) {
	if err := g.refuse(u); err != nil {
		return nil, err
	}
	return g.fileRepository.Reader(u)
}

func (g guardedFiles) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	if err := g.refuse(u); err != nil {
		return nil, err
	}
	return g.fileRepository.Writer(u)
}

func (g guardedFiles) Appender(u fyne.URI) (fyne.URIWriteCloser, error) {
	if err := g.refuse(u); err != nil {
		return nil, err
	}
	return g.fileRepository.Appender(u)
}

func (g guardedFiles) Delete(u fyne.URI) error {
	if err := g.refuse(u); err != nil {
		return err
	}
	return g.fileRepository.Delete(u)
}

func (g guardedFiles) DeleteAll(u fyne.URI) error {
	if err := g.refuse(u); err != nil {
		return err
	}
	return g.fileRepository.DeleteAll(u)
}

func (g guardedFiles) Copy(from, to fyne.URI) error {
	if err := g.refuse(from); err != nil {
		return err
	}
	if err := g.refuse(to); err != nil {
		return err
	}
	return g.fileRepository.Copy(from, to)
}

func (g guardedFiles) Move(from, to fyne.URI) error {
	if err := g.refuse(from); err != nil {
		return err
	}
	if err := g.refuse(to); err != nil {
		return err
	}
	return g.fileRepository.Move(from, to)
}

// CanRead and CanWrite open the file in Fyne's repository; the database's files are
// answered without opening them: readable, not writable through Fyne.
func (g guardedFiles) CanRead(u fyne.URI) (bool, error) {
	if g.refuse(u) != nil {
		return true, nil
	}
	return g.fileRepository.CanRead(u)
}

func (g guardedFiles) CanWrite(u fyne.URI) (bool, error) {
	if g.refuse(u) != nil {
		return false, nil
	}
	return g.fileRepository.CanWrite(u)
}
