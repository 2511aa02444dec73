-- ecprkit registry schema, migration 002: multicenter isolation with
-- row-level security.  A site role (member of ecpr_site, listed in
-- site_role) reads and writes only the rows of its own site; a member of
-- ecpr_coordinator reads every row and writes none.  The owner (the
-- registry's superuser) is not restricted.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ecpr_site') THEN
		CREATE ROLE ecpr_site NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles
	    WHERE rolname = 'ecpr_coordinator') THEN
		CREATE ROLE ecpr_coordinator NOLOGIN;
	END IF;
END
$$;

CREATE TABLE site_role (
	role_name	name PRIMARY KEY,
	site		text NOT NULL REFERENCES site
);

-- The sites of the current role (empty for everybody else); runs with
-- the caller's rights, so current_user is the caller.
CREATE FUNCTION ecpr_my_sites() RETURNS SETOF text
    LANGUAGE sql STABLE
    AS $$ SELECT site FROM site_role WHERE role_name = current_user $$;

GRANT USAGE ON SCHEMA public TO ecpr_site, ecpr_coordinator;
GRANT SELECT ON schema_version, site_role TO ecpr_site;
GRANT SELECT, INSERT, UPDATE, DELETE ON site, subject, episode, event,
    observation TO ecpr_site;
GRANT SELECT, INSERT ON import_batch, audit_log TO ecpr_site;
GRANT UPDATE ON import_batch TO ecpr_site;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ecpr_site;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ecpr_coordinator;
GRANT SELECT ON episode_intervals, event_bounds TO ecpr_site;
GRANT EXECUTE ON FUNCTION ecpr_my_sites() TO ecpr_site, ecpr_coordinator;

-- Views check the invoker's rights, so row-level security applies.
ALTER VIEW episode_intervals SET (security_invoker = true);
ALTER VIEW event_bounds SET (security_invoker = true);

ALTER TABLE site ENABLE ROW LEVEL SECURITY;
ALTER TABLE subject ENABLE ROW LEVEL SECURITY;
ALTER TABLE episode ENABLE ROW LEVEL SECURITY;
ALTER TABLE event ENABLE ROW LEVEL SECURITY;
ALTER TABLE observation ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_role ENABLE ROW LEVEL SECURITY;

CREATE POLICY own_site ON site TO ecpr_site
    USING (site IN (SELECT ecpr_my_sites()))
    WITH CHECK (site IN (SELECT ecpr_my_sites()));
CREATE POLICY own_site ON subject TO ecpr_site
    USING (site IN (SELECT ecpr_my_sites()))
    WITH CHECK (site IN (SELECT ecpr_my_sites()));
CREATE POLICY own_site ON episode TO ecpr_site
    USING (site IN (SELECT ecpr_my_sites()))
    WITH CHECK (site IN (SELECT ecpr_my_sites()));
CREATE POLICY own_site ON event TO ecpr_site
    USING (site IN (SELECT ecpr_my_sites()))
    WITH CHECK (site IN (SELECT ecpr_my_sites()));
CREATE POLICY own_site ON observation TO ecpr_site
    USING (site IN (SELECT ecpr_my_sites()))
    WITH CHECK (site IN (SELECT ecpr_my_sites()));
CREATE POLICY own_site ON audit_log TO ecpr_site
    USING (site IN (SELECT ecpr_my_sites()))
    WITH CHECK (site IN (SELECT ecpr_my_sites()));
CREATE POLICY own_batch ON import_batch TO ecpr_site
    USING (db_role = current_user)
    WITH CHECK (db_role = current_user);
CREATE POLICY own_role ON site_role TO ecpr_site
    USING (role_name = current_user);

CREATE POLICY read_all ON site FOR SELECT TO ecpr_coordinator USING (true);
CREATE POLICY read_all ON subject FOR SELECT TO ecpr_coordinator USING (true);
CREATE POLICY read_all ON episode FOR SELECT TO ecpr_coordinator USING (true);
CREATE POLICY read_all ON event FOR SELECT TO ecpr_coordinator USING (true);
CREATE POLICY read_all ON observation FOR SELECT TO ecpr_coordinator
    USING (true);
CREATE POLICY read_all ON audit_log FOR SELECT TO ecpr_coordinator
    USING (true);
CREATE POLICY read_all ON import_batch FOR SELECT TO ecpr_coordinator
    USING (true);
CREATE POLICY read_all ON site_role FOR SELECT TO ecpr_coordinator
    USING (true);

-- Create (or reuse) a login role for one site.  Only the registry owner
-- may call these (EXECUTE is revoked from PUBLIC).
CREATE FUNCTION ecpr_add_site_role(p_role text, p_site text)
    RETURNS void LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN
		EXECUTE format('CREATE ROLE %I LOGIN', p_role);
	END IF;
	EXECUTE format('GRANT ecpr_site TO %I', p_role);
	INSERT INTO site (site) VALUES (p_site) ON CONFLICT DO NOTHING;
	INSERT INTO site_role (role_name, site) VALUES (p_role, p_site)
	    ON CONFLICT (role_name) DO UPDATE SET site = EXCLUDED.site;
END
$$;

CREATE FUNCTION ecpr_add_coordinator_role(p_role text)
    RETURNS void LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN
		EXECUTE format('CREATE ROLE %I LOGIN', p_role);
	END IF;
	EXECUTE format('GRANT ecpr_coordinator TO %I', p_role);
END
$$;
REVOKE EXECUTE ON FUNCTION ecpr_add_site_role(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ecpr_add_coordinator_role(text) FROM PUBLIC;
