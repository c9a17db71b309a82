// Models the server accepts, and what it reports about them in Results and Metadata.

export interface ModelInfo {
  name: string;
  version: string;
  arch: string;
  uuid: string;
}

const NOVA_3: ModelInfo = {
  // From fixtures/deepgram/prerecorded-nova3-smartformat-file.json.
  name: 'general-nova-3',
  version: '2025-07-31.0',
  arch: 'nova-3',
  uuid: '2187e11a-3532-4498-b076-81fa530bdd49',
};

const nova2 = (domain: string, uuid: string): ModelInfo => ({
  name: `2-${domain}-nova`,
  version: '2024-02-07.20824',
  arch: 'nova-2',
  uuid,
});

const older = (name: string, arch: string, uuid: string): ModelInfo => ({
  name,
  version: '2024-01-26.8851',
  arch,
  uuid,
});

/** Every model name the handshake accepts (live streaming; whisper is batch only). */
export const KNOWN_MODELS: Readonly<Record<string, ModelInfo>> = {
  'nova-3': NOVA_3,
  'nova-3-general': NOVA_3,
  'nova-3-medical': { ...NOVA_3, name: 'medical-nova-3', uuid: '5e2b1b7c-7c0b-4f4e-9c1a-3f3d3b7d1e01' },
  'nova-2': nova2('general', 'c0d1a282-3d7e-4bd5-8a6a-2e7a6e3b0f11'),
  'nova-2-general': nova2('general', 'c0d1a282-3d7e-4bd5-8a6a-2e7a6e3b0f11'),
  'nova-2-meeting': nova2('meeting', 'a1f7e0d3-5b8c-4e11-9d2e-6c4b3a2f1e22'),
  // From fixtures/deepgram/live-results-*.json.
  'nova-2-phonecall': nova2('phonecall', '7e3b5bdf-85ed-4fd2-9f7a-7721bbcad97b'),
  'nova-2-finance': nova2('finance', 'b2e8f1c4-6c9d-4f22-8e3f-7d5c4b3a2f33'),
  'nova-2-conversationalai': nova2('conversationalai', 'c3f9a2d5-7dae-4a33-9f4a-8e6d5c4b3a44'),
  'nova-2-voicemail': nova2('voicemail', 'd4a0b3e6-8ebf-4b44-8a5b-9f7e6d5c4b55'),
  'nova-2-video': nova2('video', 'e5b1c4f7-9fc0-4c55-9b6c-a08f7e6d5c66'),
  'nova-2-medical': nova2('medical', 'f6c2d5a8-a0d1-4d66-8c7d-b19a8f7e6d77'),
  'nova-2-drivethru': nova2('drivethru', 'a7d3e6b9-b1e2-4e77-9d8e-c2ab9a8f7e88'),
  'nova-2-automotive': nova2('automotive', 'b8e4f7ca-c2f3-4f88-8e9f-d3bcab9a8f99'),
  'nova-2-atc': nova2('atc', 'c9f5a8db-d3a4-4a99-9fa0-e4cdbcab9aaa'),
  nova: older('general-nova', 'nova', 'da06b9ec-e4b5-4baa-8ab1-f5decdbcabbb'),
  'nova-general': older('general-nova', 'nova', 'da06b9ec-e4b5-4baa-8ab1-f5decdbcabbb'),
  'nova-phonecall': older('phonecall-nova', 'nova', 'eb17cafd-f5c6-4cbb-9bc2-06efdecdbccc'),
  enhanced: older('general-enhanced', 'enhanced', 'fc28dbae-06d7-4dcc-8cd3-17f0efdecddd'),
  'enhanced-general': older('general-enhanced', 'enhanced', 'fc28dbae-06d7-4dcc-8cd3-17f0efdecddd'),
  'enhanced-meeting': older('meeting-enhanced', 'enhanced', '0d39ecbf-17e8-4edd-9de4-2801f0efdeee'),
  'enhanced-phonecall': older('phonecall-enhanced', 'enhanced', '1e4afdc0-28f9-4fee-8ef5-3912a1f0efff'),
  'enhanced-finance': older('finance-enhanced', 'enhanced', '2f5b0ed1-390a-4a0f-9f06-4a23b2a1f010'),
  // From fixtures/deepgram/live-results-empty-final.json; also what no `model` means.
  base: older('general', 'base', '1ed36bac-f71c-4f3f-a31f-02fd6525c489'),
  'base-general': older('general', 'base', '1ed36bac-f71c-4f3f-a31f-02fd6525c489'),
  'base-meeting': older('meeting', 'base', '3a6c1fe2-4a1b-4b10-8a17-5b34c3b2a121'),
  'base-phonecall': older('phonecall', 'base', '4b7d20f3-5b2c-4c21-9b28-6c45d4c3b232'),
  'base-voicemail': older('voicemail', 'base', '5c8e3104-6c3d-4d32-8c39-7d56e5d4c343'),
  'base-finance': older('finance', 'base', '6d9f4215-7d4e-4e43-9d4a-8e67f6e5d454'),
  'base-conversationalai': older('conversationalai', 'base', '7ea05326-8e5f-4f54-8e5b-9f7807f6e565'),
  'base-video': older('video', 'base', '8fb16437-9f60-4a65-9f6c-a08918071676'),
};

export const DEFAULT_MODEL = 'base';

/** Nova-3 takes `keyterm`; every older model takes `keywords` instead. */
export const isNova3 = (model: string): boolean => model.startsWith('nova-3');
