#!/usr/bin/env bash
# Validates Occopus's published tutorials (a checkout of github.com/occopus/docs, folder tutorials/) with reef, as a
# new user would: a copy in a temp dir gets its `replace_with_…` placeholders filled, then `reef validate` runs on
# each tutorial's infra file with its nodes/node_definitions.yaml and the tutorials' .occopus/auth_data.yaml.
# Prints one line per tutorial: NAME <tab> ok|refused <tab> reef's first message. Nothing is written into reef.
# usage: scripts/check-occopus-tutorials.sh PATH/TO/docs/tutorials
set -euo pipefail
SRC=${1:?usage: $0 PATH/TO/occopus-docs/tutorials}
REEF="$(cd "$(dirname "$0")/.." && pwd)/bin/reef.js"
WORK=$(mktemp -d /tmp/reef-occopus-tutorials.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC"/. "$WORK"
cd "$WORK"
# Values a user would type: any well-formed value works, numbers where Occopus expects numbers.
find . -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | xargs -0 sed -i \
  -e 's#replace_with_endpoint_of_nova_interface_of_your_cloud#https://keystone.example.org:5000/v3#g' \
  -e 's#replace_with_endpoint_of_ec2_interface_of_your_cloud#https://ec2.example.org#g' \
  -e 's#replace_with_endpoint_of_cloudsigma_interface_of_your_cloud#https://zrh.cloudsigma.com/api/2.0#g' \
  -e 's#replace_with_endpoint_of_cloudbroker_interface#https://cloudbroker.example.org#g' \
  -e 's#replace_with_your_docker_endpoint#unix:///var/run/docker.sock#g' \
  -e 's#replace_with_url_of_chef_server#https://chef.example.org/organizations/demo#g' \
  -e 's#replace_with_your_chef_server_url#https://chef.example.org/organizations/demo#g' \
  -e 's#replace_with_cpu_cores#1#g' -e 's#replace_with_memory#1.5#g' \
  -e 's#replace_with_list_of_ports_separated_with_comma#80#g' \
  -e 's#replace_with_regionname_of_your_ec2_interface#eu-west-1#g' \
  -e 's#replace_with_id_of_your_image_on_your_target_cloud#ami-0123456789abcdef0#g' \
  -e 's#replace_with_instance_type_of_your_image_on_your_target_cloud#t3.small#g' \
  -e 's#replace_with_security_group_id1_on_your_target_cloud#sg-0123#g' \
  -e 's#replace_with_security_group_id2_on_your_target_cloud#sg-0456#g' \
  -e 's#replace_with_subnet_id_on_your_target_cloud#subnet-0123#g' \
  -e 's#replace_with_key_name_on_your_target_cloud#mykey#g' \
  -e 's#replace_with_name_of_keypair_or_remove#mykey#g' \
  -e 's#replace_with_name_of_floating_ip_pool_or_remove#public#g' \
  -e 's#replace_with_security_group_to_add_or_remove_section#default#g' \
  -e 's#replace_with_projectid_to_use#0123456789abcdef#g' \
  -e 's#replace_with_id_of_the_flavor_on_your_target_cloud#m1.small#g' \
  -e 's#replace_with_id_of_network_on_your_target_cloud#3fa85f64-5717-4562-b3fc-2c963f66afa6#g' \
  -e 's#replace_with_\([a-z0-9_]*\)#my_\1#g'
for dir in */; do
  name=${dir%/}
  infra=$(ls "$name"/*.yaml 2>/dev/null | head -n 1) || true
  [ -n "$infra" ] && [ -f "$name/nodes/node_definitions.yaml" ] || continue
  if out=$(cd "$name" && node "$REEF" validate "$(basename "$infra")" --nodes nodes/node_definitions.yaml --auth ../.occopus/auth_data.yaml 2>&1); then
    verdict=ok
  else
    verdict=refused
  fi
  printf '%s\t%s\t%s\n' "$name" "$verdict" "$(printf '%s\n' "$out" | head -n 1)"
done
