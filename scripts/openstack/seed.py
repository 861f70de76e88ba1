"""Seeds the test cloud for openstack.sh (idempotent). STEP=identity: service users, the reef project and user,
the service catalog. STEP=cloud: flavors, image, networks, router, key pair, application credential, then waits
for the hypervisor and the L2 agent and writes $STATE/openrc and $STATE/appcred.env. Uses keystoneauth's
Session (one process: the openstack CLI costs seconds per call)."""
import os
import time
from keystoneauth1 import identity, session

E = os.environ
KEYSTONE, STATE = E["KEYSTONE"], E["STATE"]
IDENTITY = {"endpoint_override": KEYSTONE}


def login(user, password, project):
    return session.Session(auth=identity.Password(
        auth_url=f"{KEYSTONE}/v3", username=user, password=password, project_name=project,
        user_domain_name="Default", project_domain_name="Default"))


def find_or_make(s, path, key, name, extra, **query):
    """GET path?name=…; POST it when absent. key is the plural ('projects')."""
    found = s.get(path, params=dict(name=name, **query), **IDENTITY).json()[key]
    if found:
        return found[0]
    return s.post(path, json={key[:-1]: dict(name=name, **extra)}, **IDENTITY).json()[key[:-1]]


def identity_step():
    admin = login("admin", E["ADMIN_PW"], "admin")
    service = find_or_make(admin, "/v3/projects", "projects", "service", {"domain_id": "default"})
    reef_project = find_or_make(admin, "/v3/projects", "projects", "reef", {"domain_id": "default"})
    role = {r: find_or_make(admin, "/v3/roles", "roles", r, {}) for r in ("admin", "member", "reader", "service")}

    def grant(user, project, r):
        admin.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{role[r]['id']}", **IDENTITY)

    for name in ("nova", "neutron", "glance", "placement"):
        u = find_or_make(admin, "/v3/users", "users", name, {"domain_id": "default", "password": E["SERVICE_PW"]})
        grant(u, service, "admin")
        grant(u, service, "service")
    reef = find_or_make(admin, "/v3/users", "users", "reef",
                        {"domain_id": "default", "password": E["USER_PW"], "default_project_id": reef_project["id"]})
    grant(reef, reef_project, "member")
    grant(reef, reef_project, "reader")
    services = {"compute": ("nova", "http://127.0.0.1:8774/v2.1"), "image": ("glance", "http://127.0.0.1:9292"),
                "network": ("neutron", "http://127.0.0.1:9696"), "placement": ("placement", "http://127.0.0.1:8778")}
    for kind, (name, url) in services.items():
        have = admin.get("/v3/services", params={"type": kind}, **IDENTITY).json()["services"]
        svc = have[0] if have else admin.post("/v3/services", json={"service": {"name": name, "type": kind}}, **IDENTITY).json()["service"]
        present = {e["interface"] for e in admin.get("/v3/endpoints", params={"service_id": svc["id"]}, **IDENTITY).json()["endpoints"]}
        for interface in {"public", "internal", "admin"} - present:
            admin.post("/v3/endpoints", json={"endpoint": {"service_id": svc["id"], "interface": interface, "url": url,
                                                           "region_id": "RegionOne"}}, **IDENTITY)


def at(kind):
    return {"endpoint_filter": {"service_type": kind, "interface": "public", "region_name": "RegionOne"}}


def cloud_step():
    admin = login("admin", E["ADMIN_PW"], "admin")
    user = login("reef", E["USER_PW"], "reef")
    project_id = user.get_project_id()
    compute = dict(at("compute"), headers={"OpenStack-API-Version": "compute 2.79"})
    net, img = at("network"), at("image")

    flavors = {f["name"] for f in admin.get("/flavors", **compute).json()["flavors"]}
    for name, fid, vcpus, ram, disk in (("m1.tiny", "1", 1, 512, 1), ("m1.small", "2", 1, 2048, 20), ("m1.medium", "3", 2, 4096, 40)):
        if name not in flavors:
            admin.post("/flavors", json={"flavor": {"name": name, "id": fid, "vcpus": vcpus, "ram": ram, "disk": disk}}, **compute)

    images = admin.get("/v2/images", params={"name": "cirros-fake"}, **img).json()["images"]
    image = images[0] if images else admin.post("/v2/images", json={"name": "cirros-fake", "disk_format": "raw",
                                                                     "container_format": "bare", "visibility": "public"}, **img).json()
    if image["status"] == "queued":  # nothing boots it: one MiB of zeros is image enough
        admin.put(f"/v2/images/{image['id']}/file", data=b"\0" * 1048576, headers={"Content-Type": "application/octet-stream"}, **img)

    def one(s, path, key, **query):
        found = s.get(path, params=query, **net).json()[key]
        return found[0] if found else None

    public = one(admin, "/v2.0/networks", "networks", name="public") or admin.post("/v2.0/networks", json={"network": {
        "name": "public", "router:external": True, "provider:network_type": "flat", "provider:physical_network": "public"}}, **net).json()["network"]
    if not one(admin, "/v2.0/subnets", "subnets", name="public-subnet"):
        admin.post("/v2.0/subnets", json={"subnet": {"name": "public-subnet", "network_id": public["id"], "ip_version": 4,
            "cidr": "203.0.113.0/24", "gateway_ip": "203.0.113.1", "enable_dhcp": False,
            "allocation_pools": [{"start": "203.0.113.10", "end": "203.0.113.250"}]}}, **net)
    private = one(user, "/v2.0/networks", "networks", name="private", project_id=project_id) or \
        user.post("/v2.0/networks", json={"network": {"name": "private"}}, **net).json()["network"]
    subnet = one(user, "/v2.0/subnets", "subnets", name="private-subnet", project_id=project_id) or \
        user.post("/v2.0/subnets", json={"subnet": {"name": "private-subnet", "network_id": private["id"], "ip_version": 4,
                                                    "cidr": "10.10.0.0/24"}}, **net).json()["subnet"]
    if not one(user, "/v2.0/routers", "routers", name="router1", project_id=project_id):
        router = user.post("/v2.0/routers", json={"router": {"name": "router1", "external_gateway_info": {"network_id": public["id"]}}},
                           **net).json()["router"]
        user.put(f"/v2.0/routers/{router['id']}/add_router_interface", json={"subnet_id": subnet["id"]}, **net)

    key_file = f"{STATE}/reef-key"
    if not os.path.exists(key_file):
        os.system(f"ssh-keygen -q -t ed25519 -N '' -C reef-test -f {key_file} >/dev/null 2>&1 || true")
    if user.get("/os-keypairs/reef-key", raise_exc=False, **compute).status_code == 404:
        public_key = open(f"{key_file}.pub").read().strip() if os.path.exists(f"{key_file}.pub") else None
        body = {"name": "reef-key", **({"public_key": public_key} if public_key else {})}
        user.post("/os-keypairs", json={"keypair": body}, **compute)

    # the secret is shown once, at creation: keep it in appcred.env, or make a new credential
    user_id, creds_file = user.get_user_id(), f"{STATE}/appcred.env"
    path = f"/v3/users/{user_id}/application_credentials"
    known = dict(line.replace("export ", "").split("=", 1) for line in open(creds_file).read().split("\n")
                 if line.startswith("export ")) if os.path.exists(creds_file) else {}
    if not (known.get("OS_APPLICATION_CREDENTIAL_ID") and
            user.get(f"{path}/{known['OS_APPLICATION_CREDENTIAL_ID']}", raise_exc=False, **IDENTITY).status_code == 200):
        for old in user.get(path, params={"name": "reef-test"}, **IDENTITY).json()["application_credentials"]:
            user.delete(f"{path}/{old['id']}", **IDENTITY)
        cred = user.post(path, json={"application_credential": {"name": "reef-test"}}, **IDENTITY).json()["application_credential"]
        with open(creds_file, "w") as f:
            f.write("# application credential of user reef (project reef); it carries its own scope: send no project\n"
                    f"export OS_APPLICATION_CREDENTIAL_ID={cred['id']}\nexport OS_APPLICATION_CREDENTIAL_SECRET={cred['secret']}\n")
        os.chmod(creds_file, 0o600)

    # the suites run in parallel and the bench makes 20 servers: Nova's default of 10 instances is too few
    admin.put(f"/os-quota-sets/{project_id}", json={"quota_set": {"instances": 100, "cores": 200, "ram": 512000}}, **compute)

    for _ in range(180):
        hosts = admin.get("/os-hypervisors/detail", **compute).json()["hypervisors"]
        agents = admin.get("/v2.0/agents", params={"agent_type": "Linux bridge agent"}, **net).json()["agents"]
        if hosts and hosts[0].get("state") == "up" and agents and agents[0]["alive"]:
            break
        time.sleep(1)
    else:
        raise SystemExit(f"hypervisor or L2 agent not ready: {hosts} {agents}")

    with open(f"{STATE}/openrc", "w") as f:
        f.write(f"export OS_AUTH_URL={KEYSTONE}/v3\nexport OS_IDENTITY_API_VERSION=3\nexport OS_REGION_NAME=RegionOne\n"
                "export OS_INTERFACE=public\nexport OS_USER_DOMAIN_NAME=Default\nexport OS_PROJECT_DOMAIN_NAME=Default\n"
                f"export OS_USERNAME=reef\nexport OS_PASSWORD={E['USER_PW']}\nexport OS_PROJECT_NAME=reef\n"
                f"export REEF_OS_PROJECT_ID={project_id}\nexport REEF_OS_ADMIN_PASSWORD={E['ADMIN_PW']}\n"
                f"export REEF_OS_IMAGE_ID={image['id']}\nexport REEF_OS_FLAVOR_ID=1\nexport REEF_OS_NETWORK_ID={private['id']}\n"
                f"export REEF_OS_PUBLIC_NETWORK_ID={public['id']}\nexport REEF_OS_KEY_NAME=reef-key\n")


{"identity": identity_step, "cloud": cloud_step}[E["STEP"]]()
