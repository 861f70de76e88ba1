# The wordpress stand-in: checks that its database answers, writes a page naming it and serves that page.
$db = "${facts['db_host']}:${facts['db_port']}"

exec { 'database answers':
  command => "/bin/busybox wget -q -O - http://${db}/ | /bin/grep -q 'db ok'",
  unless  => '/usr/bin/test -f /srv/configured',
  path    => ['/usr/bin', '/bin'],
}

file { ['/srv', '/srv/www']:
  ensure => directory,
}

file { '/srv/www/index.html':
  ensure  => file,
  content => "<h1>${facts['blog_title']}</h1>\nwordpress ${facts['reef_instance']} uses db at ${db}\n",
  require => Exec['database answers'],
}

service { 'reef-wordpress':
  ensure   => running,
  provider => base,
  start    => '/bin/busybox httpd -p 80 -h /srv/www',
  status   => '/bin/busybox wget -q -O /dev/null http://127.0.0.1:80/',
  require  => File['/srv/www/index.html'],
}

file { '/srv/configured':
  ensure  => file,
  content => "${facts['reef_node']} ${facts['reef_instance']}\n",
  require => Service['reef-wordpress'],
}
