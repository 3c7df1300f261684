module github.com/regtracker/regtracker

go 1.26.0
