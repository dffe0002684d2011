// What a service is given to analyse: the file's identity and type, where it sits in the submission, and the
// settings in force for this service.

/** What a service is told about the file and the submission. */
export interface ServiceTask {
  sid: string;
  sha256: string;
  /** AL type label of the file. */
  fileType: string;
  fileName: string;
  fileInfo: { md5: string; sha1: string; sha256: string; size: number; type: string; magic: string; mime: string | null; ssdeep?: string; tlsh?: string | null };
  depth: number;
  maxFiles: number;
  deepScan: boolean;
  ignoreCache: boolean;
  /**
   * The service's configuration: the manifest's defaults, the deployment's settings, the host data the manifest
   * declares (`host`), then what the submitter set in `service_spec` among the parameters the manifest offers.
   */
  serviceConfig: Record<string, unknown>;
  /** Values earlier services shared with later ones and with children (e.g. `passwords`). */
  tempSubmissionData: Record<string, unknown>;
  /** Tags found so far on this file by earlier stages. */
  tags: Array<{ type: string; value: string }>;
  metadata: Record<string, string>;
  /**
   * The chain of files this one was extracted from, the submitted file first and the direct parent last; empty
   * or absent for a submitted file. Results that read it depend on where the file was found, so such a service
   * should not be cached (`disableCache`).
   */
  ancestry?: Array<{ type: string; name: string; sha256: string }>;
}
