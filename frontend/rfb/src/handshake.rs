//! The RFB 3.8 handshake: version, security (None or VNC authentication), ClientInit and
//! ServerInit.

use des::Des;
use des::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use vnc::{PixelFormat, VncVersion};

use super::reader::{Reader, Step, Stop, bad, latin1};
use super::{Error, Limits};

const SECURITY_NONE: u8 = 1;
const SECURITY_VNC_AUTH: u8 = 2;
/// Longest refusal reason or desktop name kept.
const MAX_STRING: usize = 4096;

/// Where the handshake is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Version,
    SecurityTypes,
    Challenge,
    SecurityResult,
    ServerInit,
}

/// What ServerInit told us.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ServerInit {
    pub width: u16,
    pub height: u16,
    pub name: String,
}

/// The handshake's state; [`Handshake::step`] runs one server message at a time.
pub(super) struct Handshake {
    phase: Phase,
    password: Option<String>,
}

impl Handshake {
    pub fn new(password: Option<String>) -> Self {
        Self {
            phase: Phase::Version,
            password,
        }
    }

    /// Parses the next server message, queuing our answer in `out`; `Some` once the
    /// server's init has come and the connection is ready.
    pub fn step(
        &mut self,
        r: &mut Reader,
        out: &mut Vec<u8>,
        limits: &Limits,
    ) -> Step<Option<ServerInit>> {
        match self.phase {
            Phase::Version => {
                if VncVersion::from(r.array::<12>()?) != VncVersion::RFB38 {
                    return Err(Stop::Bad(Error::Version));
                }
                out.extend_from_slice(<&[u8; 12]>::from(VncVersion::RFB38));
                self.phase = Phase::SecurityTypes;
            }
            Phase::SecurityTypes => {
                let count = usize::from(r.u8()?);
                if count == 0 {
                    let why = r.string(MAX_STRING, "refusal reason too long")?;
                    return Err(Stop::Bad(Error::Refused(latin1(why))));
                }
                let offered = r.take(count)?;
                let chosen = self.choose(offered)?;
                out.push(chosen);
                self.phase = match chosen {
                    SECURITY_VNC_AUTH => Phase::Challenge,
                    _ => Phase::SecurityResult,
                };
            }
            Phase::Challenge => {
                let challenge = r.array::<16>()?;
                let password = self.password.as_deref().unwrap_or_default();
                out.extend_from_slice(&vnc_auth_response(password, challenge));
                self.phase = Phase::SecurityResult;
            }
            Phase::SecurityResult => {
                if r.u32()? != 0 {
                    let why = r.string(MAX_STRING, "failure reason too long")?;
                    return Err(Stop::Bad(Error::AuthFailed(latin1(why))));
                }
                out.push(1); // ClientInit: shared, so other viewers stay connected
                self.phase = Phase::ServerInit;
            }
            Phase::ServerInit => {
                let width = r.u16()?;
                let height = r.u16()?;
                // The server's own format is checked but not used: we ask for ours next.
                if PixelFormat::try_from(r.array::<16>()?).is_err() {
                    return bad("bad server pixel format");
                }
                let name = latin1(r.string(MAX_STRING, "desktop name too long")?);
                limits.check_size(width, height)?;
                return Ok(Some(ServerInit {
                    width,
                    height,
                    name,
                }));
            }
        }
        Ok(None)
    }

    /// None when offered, else VNC authentication when we have a password.
    fn choose(&self, offered: &[u8]) -> Step<u8> {
        if offered.contains(&SECURITY_NONE) {
            Ok(SECURITY_NONE)
        } else if !offered.contains(&SECURITY_VNC_AUTH) {
            Err(Stop::Bad(Error::Refused(
                "no security type we speak".into(),
            )))
        } else if self.password.is_none() {
            Err(Stop::Bad(Error::PasswordNeeded))
        } else {
            Ok(SECURITY_VNC_AUTH)
        }
    }
}

/// VNC authentication: the challenge DES-encrypted with the password's first 8 bytes, each
/// byte's bits mirrored (a quirk of the original implementation).
fn vnc_auth_response(password: &str, mut challenge: [u8; 16]) -> [u8; 16] {
    let mut key = [0u8; 8];
    for (k, b) in key.iter_mut().zip(password.bytes()) {
        *k = b.reverse_bits();
    }
    let cipher = Des::new(&GenericArray::from(key));
    for block in challenge.chunks_exact_mut(8) {
        cipher.encrypt_block(GenericArray::from_mut_slice(block));
    }
    challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(h: &mut Handshake, bytes: &[u8]) -> (Step<Option<ServerInit>>, Vec<u8>) {
        let mut out = Vec::new();
        let mut r = Reader::new(bytes);
        (h.step(&mut r, &mut out, &Limits::default()), out)
    }

    #[test]
    fn vnc_auth_matches_a_known_answer() {
        // DES of the all-zero block under key 0x0101..01 is 8CA64DE9C1B123A7, the classic
        // test vector: the cipher is wired the right way round.
        let cipher = Des::new(&GenericArray::from([1u8; 8]));
        let mut block = GenericArray::from([0u8; 8]);
        cipher.encrypt_block(&mut block);
        assert_eq!(
            block.as_slice(),
            [0x8c, 0xa6, 0x4d, 0xe9, 0xc1, 0xb1, 0x23, 0xa7]
        );
        // The mirror: 'A' (0x41) becomes 0x82.
        let response = vnc_auth_response("A", [0; 16]);
        let cipher = Des::new(&GenericArray::from([0x82, 0, 0, 0, 0, 0, 0, 0]));
        let mut expected = GenericArray::from([0u8; 8]);
        cipher.encrypt_block(&mut expected);
        assert_eq!(&response[..8], expected.as_slice());
        assert_eq!(&response[8..], expected.as_slice());
    }

    #[test]
    fn refuses_other_versions_and_answers_3_8() {
        let (result, _) = run(&mut Handshake::new(None), b"RFB 003.003\n");
        assert_eq!(result, Err(Stop::Bad(Error::Version)));
        let (result, out) = run(&mut Handshake::new(None), b"RFB 003.008\n");
        assert_eq!(result, Ok(None));
        assert_eq!(out, b"RFB 003.008\n");
    }

    #[test]
    fn picks_none_then_vnc_auth_and_asks_for_a_password() {
        let mut h = Handshake {
            phase: Phase::SecurityTypes,
            password: None,
        };
        assert_eq!(run(&mut h, &[2, 2, 1]).1, [1]);
        let mut h = Handshake {
            phase: Phase::SecurityTypes,
            password: None,
        };
        assert_eq!(
            run(&mut h, &[1, 2]).0,
            Err(Stop::Bad(Error::PasswordNeeded))
        );
        let mut h = Handshake {
            phase: Phase::SecurityTypes,
            password: Some("x".into()),
        };
        assert_eq!(run(&mut h, &[1, 2]).1, [2]);
        assert_eq!(h.phase, Phase::Challenge);
    }

    #[test]
    fn reports_refusal_and_failure_reasons() {
        let mut h = Handshake {
            phase: Phase::SecurityTypes,
            password: None,
        };
        let refused = run(&mut h, &[0, 0, 0, 0, 2, b'n', b'o']).0;
        assert_eq!(refused, Err(Stop::Bad(Error::Refused("no".into()))));
        let mut h = Handshake {
            phase: Phase::SecurityResult,
            password: None,
        };
        let failed = run(&mut h, &[0, 0, 0, 1, 0, 0, 0, 3, b'b', b'a', b'd']).0;
        assert_eq!(failed, Err(Stop::Bad(Error::AuthFailed("bad".into()))));
        let mut h = Handshake {
            phase: Phase::SecurityResult,
            password: None,
        };
        let huge = run(&mut h, &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]).0;
        assert!(matches!(huge, Err(Stop::Bad(Error::Protocol(_)))));
    }
}
