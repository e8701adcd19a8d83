// admin page: built in the page-shell work.
