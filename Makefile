# regtracker: every target a newcomer needs. `make run` and `make test` install what is
# missing first, so a fresh Debian/Ubuntu machine needs nothing else.

GO        ?= go
BIN       := bin
DB        ?=
BENCHTIME ?= 1x
BENCHCOUNT ?= 5

# Debian packages: C toolchain and GL/X11 headers for Fyne (GLFW), GTK 3 for the native
# file dialogs of sqweek/dialog, Xvfb for looking at the app without a screen.
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
                libxinerama-dev libxi-dev libxxf86vm-dev libgtk-3-dev xvfb xauth

# For tests only: a real browser opens the HTML report; PostgreSQL runs the store suite
# against a throwaway server; Wine runs the Windows package (xdotool and ImageMagick
# close and photograph its window).
DEB_TEST_PACKAGES := chromium postgresql wine64 fonts-wine fonts-dejavu-core xdotool imagemagick

# The Windows package: Debian's mingw-w64 cross compiler builds the app (cgo: GLFW, GL).
DEB_WINDOWS_PACKAGES := gcc-mingw-w64-x86-64 zip
WINDOWS_CC  := x86_64-w64-mingw32-gcc
WINDOWS_ZIP := dist/regtracker-windows-amd64.zip

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The version is FyneApp.toml's; the About dialog and the log show it.
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)

.PHONY: all deps deps-test deps-windows build run cli test test-short bench fuzz lint screenshots package package-windows install clean

all: build

## deps: install the Debian packages that are missing (sudo only when not root)
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go is not installed: see https://go.dev/doc/install"; exit 1; }

## deps-test: what only the tests need (sudo only when not root)
deps-test:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_TEST_PACKAGES)"

## deps-windows: the cross compiler and zip for make package-windows (sudo only when not root)
deps-windows:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_WINDOWS_PACKAGES)"

## build: the desktop app and the command line tool into bin/
build: deps
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN)/regtracker ./cmd/regtracker
	CGO_ENABLED=0 $(GO) build -o $(BIN)/regtracker-cli ./cmd/regtracker-cli

## cli: only the command line tool (no system packages needed)
cli:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/regtracker-cli ./cmd/regtracker-cli

## run: build and start the desktop app on its default database (DB=path for another)
run: build
	./$(BIN)/regtracker $(if $(DB),--db $(DB))

## test: every test, with the race detector on the core packages; the stores' tests on a
## file and on a throwaway PostgreSQL, the Windows package's under Wine
test: deps deps-test package-windows
	$(GO) vet ./...
	REGTRACKER_REQUIRE_POSTGRES=1 REGTRACKER_REQUIRE_WINE=1 REGTRACKER_REQUIRE_DISPLAY=1 REGTRACKER_WINDOWS_ZIP=$(CURDIR)/$(WINDOWS_ZIP) \
	  REGTRACKER_WINE_SCREENSHOT=$(CURDIR)/dist/regtracker-wine.png $(GO) test -count=1 ./...
	$(GO) test -count=1 -race -short ./core/...

## bench: import benchmarks (1,000,000 generated cases into a file and into a throwaway
## PostgreSQL server, a 300 MB <system-out>), the
## DOM-then-one-transaction baseline in its own process (its heap would inflate the
## others' peak RSS), the decoder against encoding/xml, the results table's queries on
## a job of 1,000,000 results and the migration of such a job from the row layout, the
## analysis queries (two jobs of 1,000,000 tests; a module of 500 jobs), and a
## 1,000,000-case artifact fetched from a loopback Jenkins
bench:
	$(GO) test -run '^$$' -bench 'Import1M$$|Import1MPostgres$$|ImportHugeSystemOut' -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./core/importer
	$(GO) test -run '^$$' -bench 'DOMBaseline' -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./core/importer
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./core/junit
	$(GO) test -run '^$$' -bench 'ResultsTable1M' -benchtime 5x -count $(BENCHCOUNT) ./core/store/sqlite
	$(GO) test -run '^$$' -bench 'Migrate1M' -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./core/store/sqlite
	$(GO) test -run '^$$' -bench . -benchtime 10x -count $(BENCHCOUNT) ./core/analysis
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./core/fetch

## fuzz: run the decoder's fuzz target for a while (FUZZTIME=1m)
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDecoder -fuzztime $(or $(FUZZTIME),1m) ./core/junit

## lint: formatting, vet, and the rule that core/ never imports the UI toolkit
lint:
	@out=$$(gofmt -l cmd core ui resources 2>/dev/null); [ -z "$$out" ] || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	$(GO) vet ./...
	@! $(GO) list -deps ./core/... | grep -q '^fyne.io' || { echo "core/ must not import fyne"; exit 1; }

## screenshots: the real app under Xvfb on the demo history, PNGs into docs/screenshots
screenshots: deps
	@dpkg-query -W -f='$${Status}' imagemagick 2>/dev/null | grep -q 'install ok installed' || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends imagemagick; }
	$(GO) build -o $(BIN)/screenshots ./cmd/screenshots
	xvfb-run -a -s "-screen 0 1400x900x24" ./$(BIN)/screenshots --out docs/screenshots

FYNE_TOOLS := fyne.io/tools/cmd/fyne@v1.7.4
FYNE       := $(shell $(GO) env GOPATH)/bin/fyne

$(FYNE):
	$(GO) install $(FYNE_TOOLS)

## package: dist/regtracker.tar.xz, the app with a desktop entry and its icon (Fyne tools)
package: deps $(FYNE)
	mkdir -p dist
	cp FyneApp.toml cmd/regtracker/FyneApp.toml
	cd cmd/regtracker && $(FYNE) package --os linux --release --icon ../../resources/icon.png; status=$$?; rm -f FyneApp.toml; exit $$status
	mv cmd/regtracker/regtracker.tar.xz dist/regtracker.tar.xz
	@echo "dist/regtracker.tar.xz: the app, its desktop entry and icon"

## install: install the package for the current user (~/.local), into the desktop menu
## package-windows: dist/regtracker-windows-amd64.zip, built on Linux: regtracker.exe
## (icon and version resources, no console window; Fyne tools with mingw-w64),
## regtracker-cli.exe and a README, in one folder
package-windows: deps-windows $(FYNE)
	rm -rf dist/windows && mkdir -p dist/windows/regtracker
	cp FyneApp.toml cmd/regtracker/FyneApp.toml
	cd cmd/regtracker && CC=$(WINDOWS_CC) CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	  $(FYNE) package --os windows --release --icon ../../resources/icon.png; status=$$?; rm -f FyneApp.toml; exit $$status
	mv cmd/regtracker/regtracker.exe dist/windows/regtracker/
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -trimpath -ldflags "-s -w" -o dist/windows/regtracker/regtracker-cli.exe ./cmd/regtracker-cli
	cp resources/windows/README.txt dist/windows/regtracker/
	rm -f $(WINDOWS_ZIP) && cd dist/windows && zip -q -r -X ../$(notdir $(WINDOWS_ZIP)) regtracker
	@echo "$(WINDOWS_ZIP): regtracker.exe, regtracker-cli.exe and README.txt"

install: package
	rm -rf dist/install && mkdir -p dist/install
	tar -xJf dist/regtracker.tar.xz -C dist/install
	$(MAKE) -C dist/install/regtracker user-install
	@echo "regtracker is in your desktop menu (Development), and in ~/.local/bin"

clean:
	rm -rf $(BIN) dist
