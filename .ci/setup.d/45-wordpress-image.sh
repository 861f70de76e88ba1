# The VM-like image of examples/wordpress-mysql (test/wordpress-e2e): reef-test/vm + Debian's mariadb-server,
# wordpress, apache2, php, baked at build time. Cached by tag: built once (about 3.5 minutes on 2 busy cores).
bash test/images/build-wordpress-image.sh
