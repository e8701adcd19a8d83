// mobile page: built in the page-shell work.
