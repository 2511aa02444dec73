-- ecprkit registry schema, migration 004: observations (measured values,
-- censored ones included) and complications of an episode (issue 10).
-- The unused observation table of 001 is reshaped here: one row per
-- (episode, observation, time as written), the value kept exactly as
-- written (comparator and a numeric that keeps its scale: "15.0" stays
-- 15.0, ">35000" stays > 35000), the unit as its UCUM code.  Rows are
-- isolated per site as event rows are (002, 003) and written only by
-- imports through ecpr_import_stage() (lib/registry/db.c).

-- 001's table was never written by ecprkit; refuse rather than drop rows
-- that somebody put there by hand.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM public.observation) THEN
		RAISE EXCEPTION 'table observation holds rows: migration 004 '
		    'reshapes it and would lose them'
		    USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
END
$$;
DROP TABLE public.observation;

-- One observation.  [t_utc, t_end) is the span of the written time at
-- its precision, utc_offset the offset it was written in, source the
-- time as written ("ecmo_flow_start+P1D"); comparator and value are the
-- value as written (contract text: the comparator unless '=', then the
-- value: ">35000", "15.0"); unit is the UCUM code of the unit written.
CREATE TABLE public.observation (
	episode_id	bigint NOT NULL,
	site		text NOT NULL,
	observation	text NOT NULL CHECK (observation IN ('nt_probnp',
			    'pct', 'troponin_i', 'lactate', 'creatinine',
			    'alt', 'bilirubin', 'platelets', 'urine_output',
			    'urine_output_kg', 'ecmo_flow', 'map')),
	source		text NOT NULL CHECK (source <> ''),
	t_utc		timestamptz NOT NULL,
	t_end		timestamptz NOT NULL,
	precision	text NOT NULL CHECK (precision IN ('year', 'month',
			    'day', 'minute', 'second')),
	utc_offset	integer NOT NULL CHECK (utc_offset BETWEEN -86400
			    AND 86400),
	comparator	text NOT NULL CHECK (comparator IN ('<', '<=', '=',
			    '>=', '>')),
	value		numeric NOT NULL,
	unit		text NOT NULL CHECK (unit <> ''),
	batch_id	bigint REFERENCES public.import_batch,
	PRIMARY KEY (episode_id, observation, source),
	FOREIGN KEY (episode_id, site) REFERENCES public.episode (episode_id,
	    site) ON DELETE CASCADE,
	CHECK (t_end > t_utc)
);

-- One complication: a code of the list, attributed to mcc (mechanical
-- chest compression), ecpr (ECMO / ECPR) or other; code 'none' with an
-- attribution records "assessed, none".  source is the time as written,
-- '' when unknown (then t_utc, t_end, precision and utc_offset are NULL).
CREATE TABLE public.complication (
	episode_id	bigint NOT NULL,
	site		text NOT NULL,
	complication	text NOT NULL CHECK (complication IN ('none',
			    'pulmonary_contusion', 'rib_fracture',
			    'sternal_fracture', 'abdominal_organ_injury',
			    'pneumothorax', 'pulmonary_infection',
			    'pulmonary_oedema', 'pulmonary_haemorrhage',
			    'bleeding_cannulation_site',
			    'bleeding_surgical_site', 'bleeding_gi',
			    'haemolysis', 'dic', 'intracranial_haemorrhage',
			    'stroke', 'seizure', 'brain_death',
			    'limb_ischaemia', 'compartment_syndrome',
			    'infection', 'sepsis', 'renal_failure',
			    'arrhythmia', 'cardiac_tamponade',
			    'circuit_failure', 'circuit_thrombosis', 'mods',
			    'other')),
	attribution	text NOT NULL CHECK (attribution IN ('mcc', 'ecpr',
			    'other')),
	source		text NOT NULL DEFAULT '',
	t_utc		timestamptz,
	t_end		timestamptz,
	precision	text CHECK (precision IN ('year', 'month', 'day',
			    'minute', 'second')),
	utc_offset	integer CHECK (utc_offset BETWEEN -86400 AND 86400),
	note		text,
	batch_id	bigint REFERENCES public.import_batch,
	PRIMARY KEY (episode_id, complication, attribution, source),
	FOREIGN KEY (episode_id, site) REFERENCES public.episode (episode_id,
	    site) ON DELETE CASCADE,
	CHECK ((source = '') = (t_utc IS NULL) AND (t_utc IS NULL) =
	    (t_end IS NULL) AND (t_utc IS NULL) = (precision IS NULL) AND
	    (t_utc IS NULL) = (utc_offset IS NULL)),
	CHECK (t_end > t_utc)
);

-- Isolation as for event (002): a site role its own site, a coordinator
-- reads all and writes none, the owner unrestricted.
GRANT SELECT, INSERT, UPDATE, DELETE ON public.observation,
    public.complication TO ecpr_site;
GRANT SELECT ON public.observation, public.complication TO ecpr_coordinator;
ALTER TABLE public.observation ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.complication ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_site ON public.observation TO ecpr_site
    USING (site IN (SELECT public.ecpr_my_sites()))
    WITH CHECK (site IN (SELECT public.ecpr_my_sites()));
CREATE POLICY own_site ON public.complication TO ecpr_site
    USING (site IN (SELECT public.ecpr_my_sites()))
    WITH CHECK (site IN (SELECT public.ecpr_my_sites()));
CREATE POLICY read_all ON public.observation FOR SELECT
    TO ecpr_coordinator USING (true);
CREATE POLICY read_all ON public.complication FOR SELECT
    TO ecpr_coordinator USING (true);

-- The staging tables of one import (003's, and those of observations and
-- complications), created with the owner's right to create temporary
-- tables; the shapes are those lib/registry/db.c copies into and merges
-- from.
CREATE OR REPLACE FUNCTION public.ecpr_import_stage() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	CREATE TEMP TABLE stg_episode (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL, tz text,
	    age_years text, sex text, bmi text, primary_disease text,
	    ca_location text, first_cpr_provider text, initial_rhythm text,
	    apache2 text, cannulation_method text, mcc_device text,
	    ecmo_device text, cpc_discharge text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_event (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL, type text,
	    occurrence integer, ord integer, t_utc bigint, t_end bigint,
	    prec text, utc_offset integer, source text, note text)
	    ON COMMIT DROP;
	CREATE TEMP TABLE stg_obs (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL,
	    observation text, source text, t_utc bigint, t_end bigint,
	    prec text, utc_offset integer, comparator text, value text,
	    unit text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_cpl (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL,
	    complication text, attribution text, source text, t_utc bigint,
	    t_end bigint, prec text, utc_offset integer, note text)
	    ON COMMIT DROP;
	CREATE TEMP TABLE stg_key (site text, subject text,
	    episode integer, old_id bigint) ON COMMIT DROP;
	CREATE TEMP TABLE stg_changed (episode_id bigint) ON COMMIT DROP;
	CREATE TEMP TABLE stg_new (episode_id bigint, site text,
	    subject text, episode integer) ON COMMIT DROP;
	CREATE TEMP TABLE stg_id (site text, subject text, episode integer,
	    episode_id bigint, is_new boolean) ON COMMIT DROP;
	CREATE TEMP TABLE stg_ev (episode_id bigint, site text, type text,
	    occurrence integer, ord integer, t_utc timestamptz,
	    t_end timestamptz, prec text, utc_offset integer, source text,
	    note text, is_new boolean, subject text, episode integer)
	    ON COMMIT DROP;
	CREATE TEMP TABLE stg_ob (episode_id bigint, site text,
	    observation text, source text, t_utc timestamptz,
	    t_end timestamptz, prec text, utc_offset integer,
	    comparator text, value numeric, unit text, is_new boolean,
	    subject text, episode integer) ON COMMIT DROP;
	CREATE TEMP TABLE stg_cp (episode_id bigint, site text,
	    complication text, attribution text, source text,
	    t_utc timestamptz, t_end timestamptz, prec text,
	    utc_offset integer, note text, is_new boolean, subject text,
	    episode integer) ON COMMIT DROP;
	GRANT SELECT, INSERT, UPDATE, DELETE ON pg_temp.stg_episode,
	    pg_temp.stg_event, pg_temp.stg_obs, pg_temp.stg_cpl,
	    pg_temp.stg_key, pg_temp.stg_changed, pg_temp.stg_new,
	    pg_temp.stg_id, pg_temp.stg_ev, pg_temp.stg_ob, pg_temp.stg_cp
	    TO PUBLIC;
END
$$;

-- ANALYZE staging tables (only their owner may).
CREATE OR REPLACE FUNCTION public.ecpr_import_analyze(
    VARIADIC p_tables text[])
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY p_tables LOOP
		IF t NOT IN ('stg_episode', 'stg_event', 'stg_obs', 'stg_cpl',
		    'stg_key', 'stg_changed', 'stg_new', 'stg_id', 'stg_ev',
		    'stg_ob', 'stg_cp') THEN
			RAISE EXCEPTION 'not a staging table: %', t
			    USING ERRCODE = 'invalid_parameter_value';
		END IF;
		EXECUTE format('ANALYZE pg_temp.%I', t);
	END LOOP;
END
$$;

REVOKE EXECUTE ON FUNCTION public.ecpr_import_stage(),
    public.ecpr_import_analyze(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.ecpr_import_stage(),
    public.ecpr_import_analyze(text[]) TO ecpr_site;
