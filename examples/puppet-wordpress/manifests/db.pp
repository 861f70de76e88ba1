# The database stand-in: a page saying "db ok" on the MySQL port, run as a service by the `base` provider
# (these machines have no init system), plus the marker the ssh health check looks for.
$port = $facts['db_port']

file { ['/srv', '/srv/db']:
  ensure => directory,
}

file { '/srv/db/index.html':
  ensure  => file,
  content => "db ok\n",
}

service { 'reef-db':
  ensure   => running,
  provider => base,
  start    => "/bin/busybox httpd -p ${port} -h /srv/db",
  status   => "/bin/busybox wget -q -O /dev/null http://127.0.0.1:${port}/",
  require  => File['/srv/db/index.html'],
}

file { '/srv/configured':
  ensure  => file,
  content => "${facts['reef_node']} ${facts['reef_instance']}\n",
  require => Service['reef-db'],
}
